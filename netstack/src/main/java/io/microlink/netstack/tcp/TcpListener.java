package io.microlink.netstack.tcp;

import java.util.ArrayDeque;

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
    int halfOpen;
    private boolean closed;

    TcpListener(TcpStack stack, int port, int backlog) {
        this.stack = stack;
        this.port = port;
        this.backlog = backlog;
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

    boolean full() {
        return halfOpen + acceptQueue.size() >= backlog;
    }

    void enqueue(TcpConnection c) {
        halfOpen--;
        acceptQueue.add(c);
    }

    /** A connection of this listener's died before it was accepted; true if it was still half-open. */
    boolean forget(TcpConnection c) {
        if (acceptQueue.remove(c)) {
            return false;
        }
        halfOpen--;
        return true;
    }
}
