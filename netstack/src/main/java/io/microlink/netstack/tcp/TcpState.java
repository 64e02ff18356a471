package io.microlink.netstack.tcp;

/**
 * The connection states of RFC 9293 §3.3.2. LISTEN belongs to a {@link TcpListener}, not to a
 * connection, so a {@link TcpConnection} is never in it.
 *
 * <pre>{@code
 * if (connection.state() == TcpState.CLOSE_WAIT) { connection.shutdownOutput(); }
 * }</pre>
 */
public enum TcpState {
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT,
    CLOSED;

    /** Whether the handshake has completed (RFC 9293's "synchronized" states). */
    public boolean synchronizedState() {
        return compareTo(ESTABLISHED) >= 0 && this != CLOSED;
    }
}
