package io.microlink.bench.e2e;

import io.microlink.PingPath;
import io.microlink.PingResult;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.PingReply;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ping figures, Java node beside tailscaled on one test tailnet in one run: time from start
 * to the first pong from a real peer, and round trips via DERP and direct. tailscaled prints
 * latencies rounded to whole milliseconds, which caps its resolution on loopback. Run with
 * {@code scripts/bench-ping [rounds]}.
 */
public final class PingBenchmark {
    private PingBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.println("| node | start to first pong (s) | ping via DERP, median (ms) | ping direct, median (ms) |");
        System.out.println("|---|---|---|---|");
        for (int i = 0; i < rounds; i++) {
            try (TestTailnet tailnet = TestTailnet.create()) {
                tailnet.addNode("target");
                tailnet.awaitMesh(Duration.ofSeconds(60));
                System.out.println(java(tailnet));
                System.out.println(tailscaled(tailnet));
            }
        }
    }

    private static String java(TestTailnet tailnet) throws Exception {
        long t0 = System.nanoTime();
        try (TailnetNode node = TailnetNode.builder().controlUrl(tailnet.headscale().url())
                .authKey(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key()).hostname("java-bench")
                .stateDirectory(tailnet.dir().resolve("java-bench")).plainHttpDerpForTesting().build()) {
            node.start();
            while (true) {
                try {
                    node.ping("target", PingPath.ANY, Duration.ofMillis(500));
                    break;
                } catch (Exception notYet) {
                    Thread.sleep(50);
                }
            }
            double first = (System.nanoTime() - t0) / 1e9;
            Await.until(Duration.ofSeconds(30), "the Java node's relay", () -> {
                try {
                    return node.ping("target", PingPath.DERP, Duration.ofSeconds(2)) != null;
                } catch (Exception e) {
                    return false;
                }
            });
            List<Double> derp = new ArrayList<>();
            List<Double> direct = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                derp.add(millis(node.ping("target", PingPath.DERP, Duration.ofSeconds(5))));
                PingResult r = node.ping("target", PingPath.ANY, Duration.ofSeconds(5));
                if (r.direct()) {
                    direct.add(millis(r));
                }
            }
            return "| Java node | %.2f | %.3f | %.3f |".formatted(first, median(derp), median(direct));
        }
    }

    private static String tailscaled(TestTailnet tailnet) {
        long t0 = System.nanoTime();
        Tailscaled ts = tailnet.addNode("ts-bench");
        while (true) {
            try {
                ts.ping("target", "--until-direct=false", "-c", "1", "--timeout", "500ms");
                break;
            } catch (RuntimeException notYet) {
                // no pong yet
            }
        }
        double first = (System.nanoTime() - t0) / 1e9;
        Tailscaled relayed = tailnet.addNode("ts-bench-relayed", TestTailnet.DEFAULT_USER, Tailscaled.Options.DERP_ONLY);
        List<Double> derp = relayed.ping("target", "--until-direct=false", "-c", "20").stream()
                .map(PingBenchmark::millis).toList();
        ts.ping("target", "-c", "20"); // until direct
        List<Double> direct = ts.ping("target", "--until-direct=false", "-c", "20").stream()
                .filter(PingReply::direct).map(PingBenchmark::millis).toList();
        return "| tailscaled | %.2f | %.3f | %.3f |".formatted(first, median(derp), median(direct));
    }

    private static double millis(PingResult r) {
        return r.latency().toNanos() / 1e6;
    }

    private static double millis(PingReply r) {
        return r.latency().toNanos() / 1e6;
    }

    private static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = xs.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
