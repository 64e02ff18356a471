package io.microlink.netstack.tcp;

/**
 * What a socket layer hears from a {@link TcpStack}, so it can wake threads blocked in
 * {@code connect}, {@code accept}, {@code read} or {@code write}. Called from inside the stack's
 * {@code onSegment}, {@code onTimer} and {@code flush}; implementations signal and return.
 *
 * <pre>{@code
 * TcpEvents events = new TcpEvents() {
 *     public void readable(TcpConnection c) { wake(c); }
 * };
 * }</pre>
 */
public interface TcpEvents {
    /**
     * The handshake completed; for a passive open this comes before the listener's {@link #acceptable}.
     *
     * @param connection the connection
     */
    default void connected(TcpConnection connection) {}

    /**
     * Bytes or the peer's FIN arrived, or the connection failed: a blocked read can return.
     *
     * @param connection the connection
     */
    default void readable(TcpConnection connection) {}

    /**
     * The peer acknowledged data, so the send buffer has room again.
     *
     * @param connection the connection
     */
    default void writable(TcpConnection connection) {}

    /**
     * The connection reached CLOSED; {@link TcpConnection#error()} says whether it failed.
     *
     * @param connection the connection
     */
    default void closed(TcpConnection connection) {}

    /**
     * A connection is waiting in the listener's accept queue.
     *
     * @param listener the listener
     */
    default void acceptable(TcpListener listener) {}
}
