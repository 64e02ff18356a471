package io.microlink.netstack.tcp;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A passive open on a local port, on every local address. The backlog bounds half-open plus
 * not-yet-accepted connections, as in BSD; SYNs beyond it are dropped without RST so the client
 * retries later rather than failing.
 *
 * <pre>{@code
 * TcpListener listener = stack.listen(8080, 128);
 * // after the events' acceptable(listener):
 * TcpConnection c = listener.accept();
 * }</pre>
 */
public final class TcpListener {
    private final TcpStack stack;
    private final int port;
    private final int backlog;
    private final ArrayDeque<TcpConnection> acceptQueue = new ArrayDeque<>();
    /** Connections in SYN-RECEIVED that will join the accept queue when their handshake completes. */
    private int halfOpen;
    /** At most this many of them from one source address, so one client cannot take every slot. */
    private final int perSource;
    /** Half-open connections by source address; kept only when {@link #perSource} bounds them. */
    private final Map<ByteBuffer, Integer> halfOpenBySource = new HashMap<>();
    private boolean closed;

    TcpListener(TcpStack stack, int port, int backlog, int perSource) {
        this.stack = stack;
        this.port = port;
        this.backlog = backlog;
        this.perSource = perSource;
    }

    /**
     * The port this listener accepts on.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The next established connection, or null when none is waiting.
     *
     * @return a connection, or null
     */
    public TcpConnection accept() {
        TcpConnection c = acceptQueue.poll();
        if (c != null) {
            c.listener = null;
        }
        return c;
    }

    /**
     * Established connections waiting for {@link #accept}.
     *
     * @return the waiting connections
     */
    public int pending() {
        return acceptQueue.size();
    }

    /** Stops listening; connections not yet accepted are reset, since nobody will read them. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stack.unlisten(this);
        for (TcpConnection c = accept(); c != null; c = accept()) {
            c.abort();
        }
    }

    /** Whether a SYN from {@code source} must wait: the backlog is full, or that source holds its share of it. */
    boolean fullFor(byte[] source) {
        return halfOpen + acceptQueue.size() >= backlog
                || limited() && halfOpenBySource.getOrDefault(ByteBuffer.wrap(source), 0) >= perSource;
    }

    /** A SYN from {@code source} was answered: one more half-open connection. */
    void opened(byte[] source) {
        halfOpen++;
        if (limited()) {
            halfOpenBySource.merge(ByteBuffer.wrap(source.clone()), 1, Integer::sum);
        }
    }

    void enqueue(TcpConnection c) {
        settled(c);
        acceptQueue.add(c);
    }

    private void settled(TcpConnection c) {
        halfOpen--;
        if (limited()) {
            halfOpenBySource.computeIfPresent(ByteBuffer.wrap(c.remoteIp()), (k, n) -> n == 1 ? null : n - 1);
        }
    }

    private boolean limited() {
        return perSource < backlog;
    }

    /** A connection of this listener's died before it was accepted; true if it was still half-open. */
    boolean forget(TcpConnection c) {
        if (acceptQueue.remove(c)) {
            return false;
        }
        settled(c);
        return true;
    }
}
