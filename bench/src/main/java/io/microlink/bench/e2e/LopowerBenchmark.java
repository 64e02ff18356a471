package io.microlink.bench.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.microlink.PingPath;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.FreePorts;
import io.microlink.interop.NetworkNamespaces;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import io.microlink.interop.WireGuardGo;
import io.microlink.lopower.BridgeNetwork;
import io.microlink.lopower.EnrolledDevice;
import io.microlink.lopower.Enrollment;
import io.microlink.lopower.LopowerBridge;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The LOPOWER bridge's figures, beside an anchor in the same run: curl in a Debian wireguard-go
 * device's network namespace, through the bridge (its own tailnet node, a Java node with a
 * direct path), to an HTTP server behind a tailscaled node ("target", which forwards its tailnet
 * ports to the host's loopback); and the same curl on the host through a second tailscaled's
 * SOCKS5 proxy, the way this host reaches the same server as a tailscaled node itself (the
 * anchor: tailscale's own LOPOWER is not published where {@code go install} finds it). Download
 * and upload throughput, and the round trip of a 1-byte HTTP request on a kept-alive connection.
 * Then the bridge's heap after a full GC with 1, 100 and 1,000 devices enrolled. Run with
 * {@code scripts/bench-lopower [megabytes] [rounds]}; one unreported round warms the JVM first.
 */
public final class LopowerBenchmark {
    private static final Duration COMMAND = Duration.ofMinutes(5);
    private static final int ROUND_TRIPS = 200;
    private static final int[] DEVICE_COUNTS = {1, 100, 1000};

    private LopowerBenchmark() {}

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        HttpServer http = byteServer();
        try (TestTailnet tailnet = TestTailnet.create()) {
            Tailscaled target = tailnet.addNode("target");
            Tailscaled anchor = tailnet.addNode("anchor");
            tailnet.awaitMesh(Duration.ofSeconds(60));
            anchor.ping("target", "-c", "20"); // until direct
            TailnetNode node = tailnet.addJavaNode("lopower", target);
            Await.until(Duration.ofSeconds(60), "the bridge's node to reach target directly", () -> {
                try {
                    return node.ping("target", PingPath.ANY, Duration.ofSeconds(1)).direct();
                } catch (Exception e) {
                    return false;
                }
            });
            Path dir = tailnet.dir().resolve("bridge");
            // A /20 on the IPv4 side: the default /24 holds 253 devices, and the memory figures go to 1,000.
            try (LopowerBridge bridge = LopowerBridge.start(dir, new BridgeNetwork(BridgeNetwork.DEFAULT.ipv6Prefix(),
                    "10.90.0.0/20", FreePorts.udp()), node)) {
                NetworkNamespaces net = tailnet.namespaces();
                String ns = net.create("lpbench");
                net.linkToSelf("10.207.0.1/24", ns, "10.207.0.2/24");
                EnrolledDevice d = bridge.enrollment().add("bench", null, "10.207.0.1:" + bridge.port(),
                        Enrollment.DEFAULT_KEEPALIVE);
                try (WireGuardGo device = WireGuardGo.start(net, ns, tailnet.dir(), 0)) {
                    device.configureFromWgQuick(d.config());
                    String base = "http://" + target.ip("-4").getFirst() + ":" + http.getAddress().getPort();
                    Path upload = tailnet.dir().resolve("upload.bin");
                    try (RandomAccessFile f = new RandomAccessFile(upload.toFile(), "rw")) {
                        f.setLength((long) megabytes << 20);
                    }
                    Function<List<String>, String> viaDevice = a -> curl(c -> net.exec(ns, COMMAND,
                            c.toArray(String[]::new)), a);
                    List<String> socks = List.of("--socks5", "127.0.0.1:" + anchor.socks5Port());
                    Function<List<String>, String> viaAnchor = a -> curl(c -> {
                        List<String> all = new ArrayList<>(c.subList(0, 1));
                        all.addAll(socks);
                        all.addAll(c.subList(1, c.size()));
                        return Exec.run(COMMAND, all);
                    }, a);
                    Await.until(Duration.ofSeconds(60), "the device's first request through the bridge", () -> {
                        try {
                            viaDevice.apply(List.of("--max-time", "5", base + "/one"));
                            return true;
                        } catch (IllegalStateException e) {
                            return false;
                        }
                    });
                    row(viaDevice, base, megabytes, upload); // warm-up, not reported
                    row(viaAnchor, base, megabytes, upload);
                    System.out.printf("| path | download %d MB (Mbit/s) | upload %d MB (Mbit/s) |"
                            + " 1-byte HTTP round trip, median (ms) |%n|---|---|---|---|%n", megabytes, megabytes);
                    List<double[]> bridged = new ArrayList<>();
                    List<double[]> anchored = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        bridged.add(print("wireguard-go device → LOPOWER bridge → tailscaled",
                                row(viaDevice, base, megabytes, upload)));
                        anchored.add(print("anchor: tailscaled (SOCKS5) → tailscaled", row(viaAnchor, base, megabytes,
                                upload)));
                    }
                    System.out.printf("%nbridge / anchor, medians of %d rounds: download %.2f, upload %.2f,"
                            + " round trip %.2f%n%n", rounds, median(bridged, 0) / median(anchored, 0),
                            median(bridged, 1) / median(anchored, 1), median(bridged, 2) / median(anchored, 2));
                }
                memoryPerDevice(bridge);
            }
        } finally {
            http.stop(0);
        }
    }

    /** Download and upload Mbit/s and the median request round trip in ms, through {@code curl}. */
    private static double[] row(Function<List<String>, String> curl, String base, int megabytes, Path upload) {
        double down = Double.parseDouble(curl.apply(List.of("-w", "%{speed_download}", "-o", "/dev/null",
                base + "/bytes?" + ((long) megabytes << 20)))) * 8 / 1e6;
        double up = Double.parseDouble(curl.apply(List.of("-w", "%{speed_upload}", "-o", "/dev/null",
                "--data-binary", "@" + upload, base + "/sink"))) * 8 / 1e6;
        List<String> trips = new ArrayList<>(List.of("-w", "%{time_total}\\n"));
        for (int i = 0; i < ROUND_TRIPS; i++) {
            trips.addAll(List.of("-o", "/dev/null", base + "/one")); // curl's -o names the output of one URL
        }
        // The first request also opened the connection; the others reuse it.
        double[] ms = curl.apply(trips).lines().skip(1).mapToDouble(s -> Double.parseDouble(s) * 1e3).sorted()
                .toArray();
        return new double[] {down, up, ms[ms.length / 2]};
    }

    private static String curl(Function<List<String>, Exec.Result> run, List<String> args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS"));
        command.addAll(args);
        Exec.Result r = run.apply(command);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("curl failed: " + r.stderr().strip());
        }
        return r.stdout().strip();
    }

    private static double[] print(String path, double[] row) {
        System.out.printf("| %s | %.0f | %.0f | %.2f |%n", path, row[0], row[1], row[2]);
        return row;
    }

    private static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    /**
     * The heap after a full GC with the bridge's device count at each of {@link #DEVICE_COUNTS}
     * (devices enrolled by key pair, as {@code devices add} does, and picked up by the running
     * bridge as WireGuard peers), and the cost of each device past the first.
     */
    private static void memoryPerDevice(LopowerBridge bridge) throws Exception {
        System.out.println("| devices enrolled | heap after GC (MiB) | per device past the first (KiB) |");
        System.out.println("|---|---|---|");
        long first = 0;
        for (int count : DEVICE_COUNTS) {
            for (int i = bridge.enrollment().list().size(); i < count; i++) { // one read of the registry
                bridge.enrollment().add("m" + i, null, "192.0.2.1:51820", Enrollment.DEFAULT_KEEPALIVE);
            }
            Thread.sleep(2_000); // the bridge follows its registry every half second
            long heap = heapAfterGc();
            if (count == DEVICE_COUNTS[0]) {
                first = heap;
                System.out.printf("| %d | %.1f | – |%n", count, heap / 1048576.0);
            } else {
                System.out.printf("| %d | %.1f | %.1f |%n", count, heap / 1048576.0,
                        (heap - first) / 1024.0 / (count - DEVICE_COUNTS[0]));
            }
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** {@code /bytes?N}: N zero bytes; {@code /sink}: reads the body; {@code /one}: one byte. */
    private static HttpServer byteServer() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/bytes", e -> {
            long n = Long.parseLong(e.getRequestURI().getQuery());
            e.sendResponseHeaders(200, n);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = e.getResponseBody()) {
                for (long left = n; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
            }
        });
        s.createContext("/sink", e -> {
            try (InputStream in = e.getRequestBody()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            answer(e, 204);
        });
        s.createContext("/one", e -> answer(e, 200));
        s.start();
        return s;
    }

    private static void answer(HttpExchange e, int status) throws IOException {
        if (status == 204) {
            e.sendResponseHeaders(204, -1);
        } else {
            e.sendResponseHeaders(status, 1);
            e.getResponseBody().write('1');
        }
        e.close();
    }
}
