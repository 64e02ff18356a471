package io.microlink.netstack.socket;

import io.microlink.netstack.tcp.TcpConnection;
import io.microlink.netstack.tcp.TcpListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;

/**
 * A TCP port this node listens on, on all its tailnet addresses, used like a
 * {@link java.net.ServerSocket}.
 *
 * <pre>{@code
 * try (TailnetServerSocket server = node.listen(8080)) {
 *     while (true) {
 *         TailnetSocket client = server.accept();
 *         Thread.startVirtualThread(() -> serve(client));
 *     }
 * }
 * }</pre>
 */
public final class TailnetServerSocket implements StreamListener {
    private final Netstack stack;
    private final TcpListener listener;
    private volatile boolean closed;

    TailnetServerSocket(Netstack stack, TcpListener listener) {
        this.stack = stack;
        this.listener = listener;
    }

    public int port() {
        return listener.port();
    }

    /** Waits for the next connection; throws once the socket is closed. */
    public TailnetSocket accept() throws IOException {
        stack.lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new SocketException("server socket on port " + listener.port() + " is closed");
                }
                TcpConnection c = listener.accept();
                if (c != null) {
                    return new TailnetSocket(stack, c);
                }
                stack.await(Long.MAX_VALUE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting");
        } finally {
            stack.lock.unlock();
        }
    }

    @Override
    public void close() {
        stack.withTcp(() -> {
            closed = true;
            listener.close();
            stack.changed.signalAll();
        });
    }
}
