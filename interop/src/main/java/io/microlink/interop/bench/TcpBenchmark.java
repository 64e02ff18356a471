package io.microlink.interop.bench;

import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * TCP through the tailnet, the Java node beside tailscaled in one run: bulk throughput to a
 * sink and 1-byte round trips to an echo server, both running on the host of a real
 * tailscaled ("target", which forwards its tailnet ports to them). The Java node is used
 * in-process through its socket API; a second tailscaled is used the way an application
 * reaches a userspace tailscaled, through its SOCKS5 proxy. Both paths are direct UDP.
 * Run with {@code scripts/bench-tcp [megabytes] [rounds]}.
 */
public final class TcpBenchmark {
    private static final int ROUND_TRIPS = 2000;

    /** A connected stream pair, whichever node it goes through. */
    private interface Connection extends Closeable {
        InputStream in() throws IOException;

        OutputStream out() throws IOException;

        void shutdownOutput() throws IOException;
    }

    @FunctionalInterface
    private interface Dialer {
        Connection dial(int port) throws IOException;
    }

    private TcpBenchmark() {}

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (TestTailnet tailnet = TestTailnet.create();
             ByteSink sink = new ByteSink();
             TcpEchoServer echo = new TcpEchoServer()) {
            Tailscaled target = tailnet.addNode("target");
            Tailscaled client = tailnet.addNode("ts-client");
            tailnet.awaitMesh(Duration.ofSeconds(60));
            client.ping("target", "-c", "20"); // until direct
            InetAddress targetIp = InetAddress.getByName(target.ip("-4").getFirst());
            try (TailnetNode node = TailnetNode.builder().controlUrl(tailnet.headscale().url())
                    .authKey(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key()).hostname("java-bench")
                    .stateDirectory(tailnet.dir().resolve("java-bench")).plainHttpDerpForTesting().build()) {
                node.start();
                Await.until(Duration.ofSeconds(60), "the Java node to see target", () -> {
                    try {
                        return node.ping("target", io.microlink.PingPath.ANY, Duration.ofSeconds(1)).direct();
                    } catch (Exception e) {
                        return false;
                    }
                });
                Dialer viaJava = port -> wrap(node.dial("target", port, Duration.ofSeconds(20)));
                Dialer viaSocks = port -> {
                    Socket s = new Socket(new Proxy(Proxy.Type.SOCKS,
                            new InetSocketAddress("127.0.0.1", client.socks5Port())));
                    s.connect(new InetSocketAddress(targetIp, port), 20_000);
                    s.setTcpNoDelay(true);
                    return wrap(s);
                };
                System.out.printf("| client | bulk %d MB (Mbit/s) | 1-byte round trip, median (µs) |%n", megabytes);
                System.out.println("|---|---|---|");
                for (int r = 0; r < rounds; r++) {
                    System.out.printf("| Java node | %.0f | %.0f |%n", throughput(viaJava, sink.port(), megabytes),
                            roundTrip(viaJava, echo.port()));
                    System.out.printf("| tailscaled (SOCKS5) | %.0f | %.0f |%n", throughput(viaSocks, sink.port(), megabytes),
                            roundTrip(viaSocks, echo.port()));
                }
            }
        }
    }

    private static double throughput(Dialer dialer, int port, int megabytes) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long total = (long) megabytes * 1024 * 1024;
        try (Connection c = dialer.dial(port)) {
            long t0 = System.nanoTime();
            OutputStream out = c.out();
            for (long sent = 0; sent < total; sent += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, total - sent));
            }
            c.shutdownOutput();
            if (c.in().read() != ByteSink.DONE) { // the sink answers once it has read everything
                throw new IOException("the sink did not confirm");
            }
            return total * 8 / ((System.nanoTime() - t0) / 1e9) / 1e6;
        }
    }

    private static double roundTrip(Dialer dialer, int port) throws IOException {
        List<Long> nanos = new ArrayList<>(ROUND_TRIPS);
        try (Connection c = dialer.dial(port)) {
            InputStream in = c.in();
            OutputStream out = c.out();
            for (int i = 0; i < ROUND_TRIPS; i++) {
                long t0 = System.nanoTime();
                out.write(i);
                if (in.read() < 0) {
                    throw new IOException("echo closed");
                }
                nanos.add(System.nanoTime() - t0);
            }
        }
        return nanos.stream().sorted().toList().get(ROUND_TRIPS / 2) / 1e3;
    }

    private static Connection wrap(TailnetSocket s) {
        return new Connection() {
            public InputStream in() {
                return s.getInputStream();
            }

            public OutputStream out() {
                return s.getOutputStream();
            }

            public void shutdownOutput() {
                s.shutdownOutput();
            }

            public void close() {
                s.close();
            }
        };
    }

    private static Connection wrap(Socket s) {
        return new Connection() {
            public InputStream in() throws IOException {
                return s.getInputStream();
            }

            public OutputStream out() throws IOException {
                return s.getOutputStream();
            }

            public void shutdownOutput() throws IOException {
                s.shutdownOutput();
            }

            public void close() throws IOException {
                s.close();
            }
        };
    }

    /** Reads every connection to its end, then answers one byte, so a sender knows all arrived. */
    private static final class ByteSink implements AutoCloseable {
        static final int DONE = 'k';
        private final ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());

        ByteSink() throws IOException {
            Thread.startVirtualThread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.startVirtualThread(() -> {
                            try (s) {
                                s.getInputStream().transferTo(OutputStream.nullOutputStream());
                                s.getOutputStream().write(DONE);
                            } catch (IOException e) {
                                // the sender went away
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
