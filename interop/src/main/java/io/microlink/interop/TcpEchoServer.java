package io.microlink.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on 127.0.0.1 that echoes every connection until the client stops. A
 * tailscaled in userspace mode forwards inbound tailnet TCP to its host's loopback, so this
 * is the far end of a "TCP through the tailnet" check.
 *
 * <pre>{@code
 * try (TcpEchoServer echo = new TcpEchoServer()) {
 *     byte[] back = ts1.nc(ts2Ip, echo.port(), data, data.length, Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class TcpEchoServer implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();

    public TcpEchoServer() throws IOException {
        this(InetAddress.getLoopbackAddress());
    }

    /** On {@code address} ({@code 0.0.0.0}: every address of the namespace). */
    public TcpEchoServer(InetAddress address) throws IOException {
        // Room for a test's burst of parallel connections (NetstackInteropTest opens 50 at once):
        // past the backlog the kernel drops SYNs and the dialer waits for its retransmission.
        server = new ServerSocket(0, 128, address);
        Thread.startVirtualThread(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread.startVirtualThread(() -> echo(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // The client went away; nothing to clean up beyond the socket.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
