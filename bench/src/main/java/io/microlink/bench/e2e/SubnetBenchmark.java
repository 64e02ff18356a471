package io.microlink.bench.e2e;

import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.ByteServer;
import io.microlink.interop.Exec;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.TestTailnet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tailscaled reaching a subnet host through a subnet router, the Java node (userspace mode,
 * its relay on OS sockets) beside a tailscaled router (userspace networking) in one run: bulk
 * throughput each way and 1-byte round trips. Each router advertises a subnet of its own
 * (10.88.1.0/24 for the Java node, 10.88.2.0/24 for tailscaled), both on a veth interface of
 * this namespace where the byte and echo servers listen, so the two differ only in the router.
 * The client is the same tailscaled for both, used through its SOCKS5 proxy. Run with
 * {@code scripts/bench-subnet [megabytes] [rounds] [routers]}, where {@code routers} picks rows
 * for profiling one router alone: {@code java}, {@code tailscaled} or both (the default,
 * {@code java,tailscaled}); a first round is not reported (JIT warm-up).
 */
public final class SubnetBenchmark {
    private static final String JAVA_SUBNET = "10.88.1.0/24";
    private static final String JAVA_HOST = "10.88.1.1";
    private static final String TS_SUBNET = "10.88.2.0/24";
    private static final String TS_HOST = "10.88.2.1";
    private static final Duration IO = Duration.ofSeconds(30);
    private static final String JAVA_ROW = "Java node router";
    private static final String TS_ROW = "tailscaled router";

    private SubnetBenchmark() {}

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> rows = List.of((args.length > 2 ? args[2] : "java,tailscaled").split(","));
        try (TestTailnet tailnet = TestTailnet.create()) {
            // A veth pair, not a dummy link: container kernels often lack the dummy module.
            Exec.run(IO, List.of("ip", "link", "add", "mlsubnet0", "type", "veth", "peer", "name", "mlsubnet1"))
                    .requireSuccess();
            Exec.run(IO, List.of("ip", "addr", "add", JAVA_HOST + "/24", "dev", "mlsubnet0")).requireSuccess();
            Exec.run(IO, List.of("ip", "addr", "add", TS_HOST + "/24", "dev", "mlsubnet0")).requireSuccess();
            Exec.run(IO, List.of("ip", "link", "set", "mlsubnet0", "up")).requireSuccess();
            Exec.run(IO, List.of("ip", "link", "set", "mlsubnet1", "up")).requireSuccess();
            try (ByteServer bytes = new ByteServer(InetAddress.ofLiteral("0.0.0.0"));
                 TcpEchoServer echo = new TcpEchoServer(InetAddress.ofLiteral("0.0.0.0"))) {
                run(tailnet, bytes, echo, megabytes, rounds, rows);
            } finally {
                Exec.run(IO, List.of("ip", "link", "del", "mlsubnet0"));
            }
        }
    }

    private static void run(TestTailnet tailnet, ByteServer bytes, TcpEchoServer echo, int megabytes, int rounds,
                            List<String> rows) throws Exception {
        Tailscaled client = tailnet.addNode("ts-client");
        client.cli(IO, "set", "--accept-routes").requireSuccess();
        Tailscaled tsRouter = tailnet.addNode("ts-router");
        tsRouter.cli(IO, "set", "--advertise-routes=" + TS_SUBNET).requireSuccess();
        try (TailnetNode javaRouter = tailnet.javaNodeBuilder("java-router")
                .advertiseRoutes(List.of(JAVA_SUBNET), false).build()) {
            javaRouter.start();
            tailnet.headscale().approveRoutes(id(tailnet, "ts-router"), TS_SUBNET);
            Await.until(IO, "headscale to hear java-router's route", () -> tailnet.headscale().node("java-router")
                    .map(n -> tailnet.headscale().routes(n.id()).getFirst().contains(JAVA_SUBNET)).orElse(false));
            tailnet.headscale().approveRoutes(id(tailnet, "java-router"), JAVA_SUBNET);
            for (String router : List.of("java-router", "ts-router")) {
                Await.until(Duration.ofSeconds(60), "a direct path to " + router, () -> {
                    try {
                        return !client.ping(router, "-c", "5").getLast().viaDerp();
                    } catch (Exec.CommandFailedException e) {
                        return false;
                    }
                });
            }
            Proxy socks = new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", client.socks5Port()));
            Map<String, TcpBenchmark.Dialer> routers = new LinkedHashMap<>();
            if (rows.contains("java")) {
                routers.put(JAVA_ROW, port -> TcpBenchmark.osSocket(socks, InetAddress.ofLiteral(JAVA_HOST), port));
            }
            if (rows.contains("tailscaled")) {
                routers.put(TS_ROW, port -> TcpBenchmark.osSocket(socks, InetAddress.ofLiteral(TS_HOST), port));
            }
            for (TcpBenchmark.Dialer d : routers.values()) {
                Await.until(IO, "the subnet host through a router", () -> {
                    try {
                        TcpBenchmark.roundTrip(d, echo.port());
                        return true;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                TcpBenchmark.throughput(d, bytes.port(), megabytes, true);
                TcpBenchmark.throughput(d, bytes.port(), megabytes, false);
            }
            System.out.printf("| tailscaled (SOCKS5) to a subnet host through | send %d MB (Mbit/s) | receive %d MB"
                    + " (Mbit/s) | 1-byte round trip, median (µs) |%n", megabytes, megabytes);
            System.out.println("|---|---|---|---|");
            Map<String, List<double[]>> results = new LinkedHashMap<>();
            // CPU of the three processes a transfer runs through, per direction: what a loaded
            // machine's throughput figures are too noisy to show.
            List<ProcessHandle> processes = List.of(ProcessHandle.current(),
                    ProcessHandle.of(client.process().pid()).orElseThrow(),
                    ProcessHandle.of(tsRouter.process().pid()).orElseThrow());
            Map<String, long[]> cpu = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, TcpBenchmark.Dialer> e : routers.entrySet()) {
                    TcpBenchmark.Dialer d = e.getValue();
                    long[] used = cpu.computeIfAbsent(e.getKey(), k -> new long[2 * processes.size()]);
                    long[] before = cpuNanos(processes);
                    double send = TcpBenchmark.throughput(d, bytes.port(), megabytes, true);
                    long[] between = cpuNanos(processes);
                    double receive = TcpBenchmark.throughput(d, bytes.port(), megabytes, false);
                    long[] after = cpuNanos(processes);
                    for (int i = 0; i < processes.size(); i++) {
                        used[i] += between[i] - before[i];
                        used[processes.size() + i] += after[i] - between[i];
                    }
                    double[] row = {send, receive, TcpBenchmark.roundTrip(d, echo.port())};
                    results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(row);
                    System.out.printf("| %s | %.0f | %.0f | %.0f |%n", e.getKey(), row[0], row[1], row[2]);
                }
            }
            double hundreds = megabytes * rounds / 100.0;
            System.out.printf("%nCPU-seconds per 100 MB, summed over the rounds (the JVM holds the Java router, the"
                    + " byte server and the client's SOCKS5 sockets):%n%n");
            System.out.println("| router | send: JVM | client tailscaled | tailscaled router"
                    + " | receive: JVM | client tailscaled | tailscaled router |");
            System.out.println("|---|---|---|---|---|---|---|");
            cpu.forEach((row, used) -> System.out.printf("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", row,
                    used[0] / 1e9 / hundreds, used[1] / 1e9 / hundreds, used[2] / 1e9 / hundreds,
                    used[3] / 1e9 / hundreds, used[4] / 1e9 / hundreds, used[5] / 1e9 / hundreds));
            List<double[]> java = results.get(JAVA_ROW);
            List<double[]> ts = results.get(TS_ROW);
            if (java == null || ts == null) {
                return; // one router alone, for profiling: nothing to compare
            }
            System.out.printf("%nJava node router / tailscaled router, medians of %d rounds: send %.2f, receive %.2f,"
                    + " round trip %.2f%n", rounds, TcpBenchmark.median(java, 0) / TcpBenchmark.median(ts, 0),
                    TcpBenchmark.median(java, 1) / TcpBenchmark.median(ts, 1),
                    TcpBenchmark.median(java, 2) / TcpBenchmark.median(ts, 2));
        }
    }

    /** Each process's CPU time so far, in nanoseconds (the kernel counts it in 10 ms ticks). */
    private static long[] cpuNanos(List<ProcessHandle> processes) {
        return processes.stream()
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).toArray();
    }

    private static long id(TestTailnet tailnet, String name) {
        return tailnet.headscale().node(name).orElseThrow().id();
    }
}
