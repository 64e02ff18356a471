package io.microlink.interop.soak;

import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.JvmHealth;
import io.microlink.interop.NodeInternals;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

/**
 * A Java node on a real tailnet for a while: mixed traffic with two tailscaled peers (one
 * direct, one relay-only), headscale (control and the embedded relay) and the second relay
 * restarted in turn, and the JVM sampled at a fixed interval. It fails when a transfer arrived
 * corrupted, when more than 5% of transfers failed or none completed in an interval, or when a
 * resource grew by {@link GrowthRule} after the {@link #WARM_UP}.
 *
 * <pre>{@code
 * SoakRun.Result r = new SoakRun(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(2)).run(System.out);
 * }</pre>
 *
 * @param length       how long the traffic runs
 * @param sampleEvery  the sampling interval
 * @param restartEvery the interval between restarts (headscale, then the second relay, ...)
 */
public record SoakRun(Duration length, Duration sampleEvery, Duration restartEvery) {
    /** Bytes of each direct transfer; the relayed one moves an eighth. */
    private static final long TRANSFER_BYTES = 1024 * 1024;
    /** One round of traffic at most this often: a soak is about time, not throughput. */
    private static final Duration ROUND = Duration.ofSeconds(1);
    /**
     * Samples before this are shown but not judged: the node's closed TCP connections wait out
     * TIME-WAIT (2 x 30 s MSL) with their buffers, so the heap climbs to a plateau first.
     */
    public static final Duration WARM_UP = Duration.ofSeconds(60);
    private static final Duration JOIN = Duration.ofSeconds(60);

    /** The rules the samples must keep, and what each one reads. */
    private static final Map<GrowthRule, ToLongFunction<SoakSample>> RULES = Map.of(
            new GrowthRule("heap after GC (bytes)", 64L << 20), s -> s.health().heapAfterGc(),
            new GrowthRule("node threads", 8), s -> s.health().threadCount(),
            new GrowthRule("open file descriptors", 16), s -> s.health().openFds(),
            new GrowthRule("direct memory (bytes)", 8L << 20), s -> s.health().directBytes());

    /** The samples and, if the soak failed, why. */
    public record Result(List<SoakSample> samples, List<String> failures) {
        public boolean passed() {
            return failures.isEmpty();
        }
    }

    /** Runs the soak, printing the table to {@code out} as it goes. */
    public Result run(PrintStream out) throws Exception {
        try (TestTailnet tailnet = TestTailnet.withSecondDerpRegion()) {
            Tailscaled direct = tailnet.addNode("soak-direct");
            Tailscaled relayed = tailnet.addNode("soak-relayed", TestTailnet.DEFAULT_USER, Tailscaled.Options.DERP_ONLY);
            TailnetNode node = tailnet.addJavaNode("java-soak", direct);
            Await.until(JOIN, "java-soak to see soak-relayed", () -> node.tailnet().find("soak-relayed").isPresent());
            try (SoakTraffic traffic = new SoakTraffic(node, direct, relayed, TRANSFER_BYTES)) {
                return drive(tailnet, node, traffic, out);
            }
        }
    }

    private Result drive(TestTailnet tailnet, TailnetNode node, SoakTraffic traffic, PrintStream out)
            throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = Thread.ofPlatform().name("soak-traffic").start(() -> {
            while (running.get()) {
                long roundStart = System.nanoTime();
                traffic.round();
                long left = ROUND.toNanos() - (System.nanoTime() - roundStart);
                if (left > 0) {
                    LockSupport.parkNanos(left);
                }
            }
        });
        List<SoakSample> samples = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        long nextRestart = restartEvery.toNanos();
        int restarts = 0;
        long verifiedAtLastSample = 0;
        out.println(SoakSample.HEADER);
        try {
            for (long t = sampleEvery.toNanos(); t <= length.toNanos(); t += sampleEvery.toNanos()) {
                while (System.nanoTime() - start < t) {
                    if (System.nanoTime() - start >= nextRestart) {
                        restart(tailnet, restarts++, out);
                        nextRestart += restartEvery.toNanos();
                    }
                    Thread.sleep(Math.max(1, Math.min(1000, (t - (System.nanoTime() - start)) / 1_000_000)));
                }
                SoakSample s = new SoakSample((System.nanoTime() - start) / 1_000_000_000L, JvmHealth.sample(),
                        traffic.counts(), NodeInternals.totalDropped(node));
                samples.add(s);
                out.println(s.row());
                if (s.traffic().tcpVerified() == verifiedAtLastSample) {
                    failures.add("no transfer completed between " + (s.seconds() - sampleEvery.toSeconds())
                            + " s and " + s.seconds() + " s; last failure: " + traffic.lastFailure());
                }
                verifiedAtLastSample = s.traffic().tcpVerified();
            }
        } finally {
            running.set(false);
            load.join(Duration.ofSeconds(60));
        }
        SoakTraffic.Counts total = traffic.counts();
        out.println("totals: " + total + "; restarts: " + restarts);
        traffic.failures().forEach((kind, n) -> out.println("  " + n + " x " + kind));
        if (total.tcpCorrupt() > 0) {
            failures.add(total.tcpCorrupt() + " transfers arrived with another SHA-256 than was sent");
        }
        if (total.tcpFailed() * 20 > total.tcpVerified()) {
            failures.add(total.tcpFailed() + " transfers failed, more than 5% of the " + total.tcpVerified()
                    + " that completed");
        }
        List<SoakSample> judged = samples.stream().filter(x -> x.seconds() > WARM_UP.toSeconds()).toList();
        RULES.forEach((rule, metric) -> {
            String v = rule.violation(judged.stream().map(metric::applyAsLong).toList());
            if (v != null) {
                failures.add(v);
            }
        });
        return new Result(List.copyOf(samples), failures);
    }

    private static void restart(TestTailnet tailnet, int n, PrintStream out) {
        if (n % 2 == 0) {
            out.println("-- restarting headscale (control and its embedded relay)");
            tailnet.headscale().restart();
        } else {
            out.println("-- restarting the second relay (derper)");
            tailnet.derper().restart();
        }
    }
}
