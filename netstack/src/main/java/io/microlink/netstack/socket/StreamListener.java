package io.microlink.netstack.socket;

import java.io.Closeable;
import java.io.IOException;
import java.net.ServerSocket;

/**
 * Where {@link StreamConnection}s come from: a {@link TailnetServerSocket} is one, and
 * {@link #of(ServerSocket)} makes one of a JDK server socket, so a server written against this
 * type listens on the tailnet and on localhost alike. Closing it makes a blocked
 * {@link #accept()} throw.
 *
 * <pre>{@code
 * StreamListener local = StreamListener.of(new ServerSocket(8080, 50, InetAddress.getLoopbackAddress()));
 * StreamListener tailnet = node.listen(80);
 * try (StreamConnection c = tailnet.accept()) {
 *     c.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
 * }
 * }</pre>
 */
public interface StreamListener extends Closeable {
    /**
     * Waits for the next connection; throws once the listener is closed.
     *
     * @return the connection
     * @throws IOException once the listener is closed
     */
    StreamConnection accept() throws IOException;

    /**
     * The local port connections arrive on.
     *
     * @return the port
     */
    int port();

    /**
     * A bound JDK server socket as a listener; closing one closes the other.
     *
     * @param server a bound server socket
     * @return the listener
     */
    static StreamListener of(ServerSocket server) {
        return new StreamListener() {
            @Override
            public StreamConnection accept() throws IOException {
                return StreamConnection.of(server.accept());
            }

            @Override
            public int port() {
                return server.getLocalPort();
            }

            @Override
            public void close() throws IOException {
                server.close();
            }
        };
    }
}
