package io.microlink.bench.e2e;

import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.ByteServer;
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
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * TCP through the tailnet, the Java node beside tailscaled in one run: bulk throughput each
 * way and 1-byte round trips to an echo server, both running on the host of a real
 * tailscaled ("target", which forwards its tailnet ports to them). The Java node is used
 * in-process through its socket API; a second Java node runs in TUN mode and is used through
 * plain OS sockets (the kernel's TCP, routed into its TUN device); a second tailscaled is used
 * the way an application reaches a userspace tailscaled, through its SOCKS5 proxy. Every path
 * is direct UDP. Run with {@code scripts/bench-tcp [megabytes] [rounds] [clients]}, where
 * {@code clients} picks rows for profiling one path alone: a comma-separated subset of
 * {@code java,tun,tailscaled} (all three by default). A first round is not reported (JIT
 * warm-up); the reported rounds end with each Java row's median ratios to tailscaled.
 */
public final class TcpBenchmark {
    private static final int ROUND_TRIPS = 2000;

    /** A connected stream pair, whichever node it goes through. */
    interface Connection extends Closeable {
        InputStream in() throws IOException;

        OutputStream out() throws IOException;

        }

    @FunctionalInterface
    interface Dialer {
        Connection dial(int port) throws IOException;
    }

    private TcpBenchmark() {}

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> clients = List.of((args.length > 2 ? args[2] : "java,tun,tailscaled").split(","));
        try (TestTailnet tailnet = TestTailnet.create();
             ByteServer bytes = new ByteServer();
             TcpEchoServer echo = new TcpEchoServer()) {
            Tailscaled target = tailnet.addNode("target");
            Tailscaled client = tailnet.addNode("ts-client");
            tailnet.awaitMesh(Duration.ofSeconds(60));
            client.ping("target", "-c", "20"); // until direct
            InetAddress targetIp = InetAddress.getByName(target.ip("-4").getFirst());
            try (TailnetNode node = startDirect(tailnet, "java-bench", b -> b);
                 TailnetNode tunNode = startDirect(tailnet, "java-tun", b -> b.tunDevice("mlbench0").acceptDns(false))) {
                if (tunNode.tunInterface().isEmpty()) {
                    throw new IllegalStateException("TUN mode unavailable (see the warning above)");
                }
                Dialer viaJava = port -> wrap(node.dial("target", port, Duration.ofSeconds(20)));
                Dialer viaTun = port -> osSocket(null, targetIp, port);
                Dialer viaSocks = port -> osSocket(new Proxy(Proxy.Type.SOCKS,
                        new InetSocketAddress("127.0.0.1", client.socks5Port())), targetIp, port);
                Map<String, Map.Entry<String, Dialer>> sides = Map.of(
                        "java", Map.entry("Java node", viaJava),
                        "tun", Map.entry("Java node, TUN mode (OS sockets)", viaTun),
                        "tailscaled", Map.entry("tailscaled (SOCKS5)", viaSocks));
                for (String name : clients) {
                    if (!sides.containsKey(name)) {
                        throw new IllegalArgumentException("unknown client '" + name + "': java, tun or tailscaled");
                    }
                }
                // One unreported round first, as bench-wireguard omits iperf3's first seconds: the
                // JVM compiles the node's code and this benchmark's own (hashing, random bytes)
                // while it runs, and that would land in whichever row comes first.
                for (String name : clients) {
                    Dialer d = sides.get(name).getValue();
                    throughput(d, bytes.port(), megabytes, true);
                    throughput(d, bytes.port(), megabytes, false);
                    roundTrip(d, echo.port());
                }
                System.out.printf("| client | send %d MB (Mbit/s) | receive %d MB (Mbit/s) | 1-byte round trip, median (µs) |%n",
                        megabytes, megabytes);
                System.out.println("|---|---|---|---|");
                Map<String, List<double[]>> results = new java.util.LinkedHashMap<>();
                for (int r = 0; r < rounds; r++) {
                    for (String name : clients) {
                        Map.Entry<String, Dialer> side = sides.get(name);
                        Dialer d = side.getValue();
                        double[] row = {throughput(d, bytes.port(), megabytes, true),
                                throughput(d, bytes.port(), megabytes, false), roundTrip(d, echo.port())};
                        results.computeIfAbsent(name, k -> new ArrayList<>()).add(row);
                        System.out.printf("| %s | %.0f | %.0f | %.0f |%n", side.getKey(), row[0], row[1], row[2]);
                    }
                }
                printRatios(results, sides);
            }
        }
    }

    /** Each Java row's medians over the rounds against tailscaled's, when both ran. */
    private static void printRatios(Map<String, List<double[]>> results, Map<String, Map.Entry<String, Dialer>> sides) {
        List<double[]> reference = results.get("tailscaled");
        if (reference == null) {
            return;
        }
        System.out.println();
        for (String name : results.keySet()) {
            if (!name.equals("tailscaled")) {
                System.out.printf("%s / tailscaled, medians of %d rounds: send %.2f, receive %.2f, round trip %.2f%n",
                        sides.get(name).getKey(), reference.size(), median(results.get(name), 0) / median(reference, 0),
                        median(results.get(name), 1) / median(reference, 1),
                        median(results.get(name), 2) / median(reference, 2));
            }
        }
    }

    static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    /** A Java node that has a direct path to "target". */
    private static TailnetNode startDirect(TestTailnet tailnet, String hostname,
                                           UnaryOperator<TailnetNode.Builder> settings) {
        TailnetNode node = settings.apply(TailnetNode.builder().controlUrl(tailnet.headscale().url())
                .authKey(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key()).hostname(hostname)
                .stateDirectory(tailnet.dir().resolve(hostname)).plainHttpDerpForTesting()).build();
        node.start();
        Await.until(Duration.ofSeconds(60), hostname + " to reach target directly", () -> {
            try {
                return node.ping("target", io.microlink.PingPath.ANY, Duration.ofSeconds(1)).direct();
            } catch (Exception e) {
                return false;
            }
        });
        return node;
    }

    static Connection osSocket(Proxy proxy, InetAddress host, int port) throws IOException {
        Socket s = proxy == null ? new Socket() : new Socket(proxy);
        s.connect(new InetSocketAddress(host, port), 20_000);
        s.setTcpNoDelay(true);
        return wrap(s);
    }

    /** Mbit/s of {@code megabytes} sent to the byte server ({@code upload}) or received from it. */
    static double throughput(Dialer dialer, int port, int megabytes, boolean upload) throws IOException {
        long total = (long) megabytes * 1024 * 1024;
        try (Connection c = dialer.dial(port)) {
            long t0 = System.nanoTime();
            ByteServer.transfer(c.in(), c.out(), upload, total, 1);
            return total * 8 / ((System.nanoTime() - t0) / 1e9) / 1e6;
        }
    }

    static double roundTrip(Dialer dialer, int port) throws IOException {
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

            public void close() throws IOException {
                s.close();
            }
        };
    }
}
