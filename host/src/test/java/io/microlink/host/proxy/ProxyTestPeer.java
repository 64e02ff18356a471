package io.microlink.host.proxy;

import io.microlink.netstack.socket.TailnetDialer;
import io.microlink.netstack.socket.StackPair;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A tailnet of two back-to-back stacks for the proxies' tests: the proxy dials from stack A,
 * and "peer" (or 100.64.0.2) is stack B, where tests run servers. Other names are unknown.
 */
final class ProxyTestPeer implements AutoCloseable {
    final StackPair pair = new StackPair();

    /** Resolves like a netmap with one peer; anything else is outside the tailnet. */
    final TailnetDialer dialer = (host, port, timeout) -> {
        if (!host.equals("peer") && !host.equals(StackPair.B.getHostAddress())) {
            throw new UnknownHostException(host + " is not a tailnet name or address this node knows");
        }
        return pair.a.connect(StackPair.B, port, timeout.toMillis());
    };

    /** Serves every connection to {@code port} on the peer with {@code handler}, each on its own thread. */
    TailnetServerSocket serve(int port, Consumer<TailnetSocket> handler) throws IOException {
        TailnetServerSocket server = pair.b.listen(port, 16);
        Thread.startVirtualThread(() -> {
            try {
                while (true) {
                    TailnetSocket c = server.accept();
                    Thread.startVirtualThread(() -> {
                        try (c) {
                            handler.accept(c);
                        }
                    });
                }
            } catch (IOException e) {
                // closed
            }
        });
        return server;
    }

    /** Echoes until the client's FIN, then sends its own: a half-close in each direction. */
    static void echo(TailnetSocket c) {
        try {
            c.getInputStream().transferTo(c.getOutputStream());
            c.shutdownOutput();
        } catch (IOException e) {
            // the test's assertion says what went wrong
        }
    }

    static ProxySettings settings() {
        return ProxySettings.onPort(0).withConnectTimeout(Duration.ofSeconds(5))
                .withHandshakeTimeout(Duration.ofSeconds(5));
    }

    static Socket connect(InetSocketAddress proxy) throws IOException {
        Socket s = new Socket(proxy.getAddress(), proxy.getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    static byte[] readN(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("stream ended after " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    @Override
    public void close() {
        pair.close();
    }
}
