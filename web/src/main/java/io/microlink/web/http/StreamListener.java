package io.microlink.web.http;

import io.microlink.netstack.socket.TailnetServerSocket;
import java.io.Closeable;
import java.io.IOException;
import java.net.ServerSocket;

/**
 * Where connections come from: a JDK {@link ServerSocket} or a tailnet port
 * ({@link io.microlink.TailnetNode#listen}). Closing it makes a blocked {@link #accept()} throw.
 *
 * <pre>{@code
 * StreamListener local = StreamListener.of(new ServerSocket(8080, 50, InetAddress.getLoopbackAddress()));
 * StreamListener tailnet = StreamListener.of(node.listen(80));
 * }</pre>
 */
public interface StreamListener extends Closeable {
    /** Waits for the next connection; throws once the listener is closed. */
    StreamConnection accept() throws IOException;

    /** The local port connections arrive on. */
    int port();

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

    static StreamListener of(TailnetServerSocket server) {
        return new StreamListener() {
            @Override
            public StreamConnection accept() throws IOException {
                return StreamConnection.of(server.accept());
            }

            @Override
            public int port() {
                return server.port();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
