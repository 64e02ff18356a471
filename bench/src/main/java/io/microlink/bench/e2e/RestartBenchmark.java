package io.microlink.bench.e2e;

import io.microlink.NodeState;
import io.microlink.PingPath;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.TestTailnet;
import io.microlink.netstack.socket.TailnetSocket;
import io.microlink.state.PeerCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Time to the first packet after a restart, with and without the peer cache, against a real
 * tailscaled ("target") on one test tailnet, in one run: a Java node on the same state
 * directory is closed and started again, and timed from {@code start()} to its first DISCO
 * pong from target and to its first TCP echo through target (an echo server on target's host,
 * which userspace tailscaled forwards to). Each round restarts it three ways: with its cache
 * while headscale is stopped, with its cache, and with the cache file deleted. A tailscaled
 * restarted on its state directory, timed to its first pong, is the anchor. Run with
 * {@code scripts/bench-restart [rounds]}.
 */
public final class RestartBenchmark {
    private static final String NAME = "java-bench";
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private RestartBenchmark() {}

    /** Milliseconds from start to the first pong and to the first TCP echo. */
    private record FirstPacket(double pongMillis, double echoMillis) {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Map<String, List<FirstPacket>> results = new LinkedHashMap<>();
        try (TestTailnet tailnet = TestTailnet.create(); TcpEchoServer echo = new TcpEchoServer()) {
            Tailscaled target = tailnet.addNode("target");
            Path cache = tailnet.dir().resolve(NAME).resolve(PeerCache.FILE_NAME);
            try (TailnetNode first = tailnet.javaNodeBuilder(NAME).build()) {
                first.start();
                awaitSeenByTarget(first, target);
                echoOnce(first, echo.port()); // traffic: what puts target in the cache
            }
            System.out.println("| round | restart | start to first pong (ms) | start to first TCP echo (ms) |");
            System.out.println("|---|---|---|---|");
            for (int round = 1; round <= rounds; round++) {
                record(results, round, "Java, cache", measure(tailnet, echo.port(), target));
                Files.delete(cache);
                record(results, round, "Java, no cache", measure(tailnet, echo.port(), target));
                record(results, round, "tailscaled", new FirstPacket(restartTailscaled(tailnet), Double.NaN));
                tailnet.headscale().stop();
                record(results, round, "Java, cache, headscale stopped", measure(tailnet, echo.port(), null));
                tailnet.headscale().resume();
                // target's map poll broke with headscale; the next round needs it back and settled:
                // a netmap that reconfigures target's WireGuard during a handshake costs a 5 s retry.
                Await.until(LIMIT, "target back at headscale",
                        () -> tailnet.headscale().node("target").orElseThrow().online());
                Thread.sleep(SETTLE.toMillis());
            }
        }
        results.forEach((how, figures) -> System.out.printf("| median | %s | %.0f | %s |%n", how,
                median(figures.stream().map(FirstPacket::pongMillis).toList()),
                how.startsWith("tailscaled") ? "—" : "%.0f".formatted(median(figures.stream()
                        .map(FirstPacket::echoMillis).toList()))));
    }

    private static void record(Map<String, List<FirstPacket>> results, int round, String how, FirstPacket f) {
        results.computeIfAbsent(how, k -> new ArrayList<>()).add(f);
        System.out.printf("| %d | %s | %.0f | %s |%n", round, how, f.pongMillis(),
                Double.isNaN(f.echoMillis()) ? "—" : "%.0f".formatted(f.echoMillis()));
    }

    /**
     * Starts the Java node on its state and times its first packets. With {@code target}
     * (control up) it then waits until target sees it, so the next restart starts from a
     * tailnet that has settled.
     */
    private static FirstPacket measure(TestTailnet tailnet, int echoPort, Tailscaled target) throws Exception {
        try (TailnetNode node = tailnet.javaNodeBuilder(NAME).build()) {
            FirstPacket f = restartTimed(node, echoPort);
            if (target != null) {
                awaitSeenByTarget(node, target);
            }
            return f;
        }
    }

    private static FirstPacket restartTimed(TailnetNode node, int echoPort) throws Exception {
        long t0 = System.nanoTime();
        node.start();
        poll("a pong from target", () -> {
            try {
                return node.ping("target", PingPath.ANY, Duration.ofMillis(250)) != null;
            } catch (Exception notYet) {
                return false; // no netmap, no relay or no answer yet
            }
        });
        double pong = (System.nanoTime() - t0) / 1e6;
        echoOnce(node, echoPort);
        return new FirstPacket(pong, (System.nanoTime() - t0) / 1e6);
    }

    private static void echoOnce(TailnetNode node, int port) throws IOException {
        try (TailnetSocket s = node.dial("target", port, Duration.ofSeconds(60))) {
            OutputStream out = s.getOutputStream();
            out.write('x');
            out.flush();
            InputStream in = s.getInputStream();
            if (in.read() != 'x') {
                throw new IOException("the echo server did not echo");
            }
        }
    }

    private static void awaitSeenByTarget(TailnetNode node, Tailscaled target) {
        Await.until(LIMIT, NAME + " to connect", () -> node.state() == NodeState.CONNECTED);
        Await.until(LIMIT, "target to see " + NAME, () -> target.status().seesOnlineWithHomeDerp(NAME));
    }

    /** Milliseconds from starting a tailscaled again on its state to its first pong from target. */
    private static double restartTailscaled(TestTailnet tailnet) throws InterruptedException {
        Tailscaled before = tailnet.nodes().stream().filter(n -> n.hostname().equals("ts-bench")).findFirst()
                .orElseGet(() -> tailnet.addNode("ts-bench"));
        Await.until(LIMIT, "ts-bench to see target", () -> pongs(before));
        tailnet.removeNode(before);
        long t0 = System.nanoTime();
        Tailscaled again = tailnet.restartNode("ts-bench");
        poll("a pong from target to the restarted tailscaled", () -> pongs(again));
        return (System.nanoTime() - t0) / 1e6;
    }

    /** Like {@link Await#until} but polling every few milliseconds, since the wait itself is what is measured. */
    private static void poll(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("no " + what + " within " + LIMIT);
            }
            Thread.sleep(5);
        }
    }

    private static boolean pongs(Tailscaled ts) {
        try {
            ts.ping("target", "--until-direct=false", "-c", "1", "--timeout", "250ms");
            return true;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = xs.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
