package io.microlink.web;

import io.microlink.netstack.DroppedInput;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The monitor's charts: the last hour of the node's traffic and of each peer's round trip, one
 * sample every {@link #INTERVAL}, kept in a ring of {@link #SAMPLES} (the oldest goes), so it
 * holds the same few hundred kilobytes at most however long the node runs and however many
 * peers it has ({@link #MAX_PEERS} a sample). Served as {@code GET /api/history}.
 */
final class TrafficHistory {
    static final Duration INTERVAL = Duration.ofSeconds(10);
    /** An hour of samples. */
    static final int SAMPLES = 360;
    /** Peers whose latency a sample keeps, at most: the first by name of those with one. */
    static final int MAX_PEERS = 16;

    private static final System.Logger LOG = System.getLogger("io.microlink.web");

    /**
     * One interval.
     *
     * @param time          when it ended, in milliseconds since the epoch (what browsers' Date takes)
     * @param rxBytes       bytes received from all peers during it
     * @param txBytes       bytes sent to all peers during it
     * @param latencyMillis each peer's round trip on its direct path at its end, by peer name
     */
    record Sample(long time, long rxBytes, long txBytes, Map<String, Double> latencyMillis) {}

    private final RingBuffer<Sample> samples = new RingBuffer<>(SAMPLES);
    private final DroppedInput failures = new DroppedInput(LOG, "traffic history sample");
    private boolean started;
    private long lastRx;
    private long lastTx;

    /**
     * Takes the sample that ends at {@code now} from the node's peers (their byte counters) and
     * their latencies. The first call only notes the counters, which count from the node's start.
     * A total that went down (a peer left the netmap with its counters) counts as no traffic.
     */
    synchronized void sample(Instant now, List<PeerInfo> peers, Map<String, Duration> latencies) {
        long rx = 0;
        long tx = 0;
        for (PeerInfo p : peers) {
            rx += p.rxBytes();
            tx += p.txBytes();
        }
        if (started) {
            Map<String, Double> kept = new LinkedHashMap<>();
            new TreeMap<>(latencies).entrySet().stream().limit(MAX_PEERS)
                    .forEach(e -> kept.put(e.getKey(), e.getValue().toNanos() / 1e6));
            samples.add(new Sample(now.toEpochMilli(), Math.max(0, rx - lastRx), Math.max(0, tx - lastTx), Map.copyOf(kept)));
        }
        started = true;
        lastRx = rx;
        lastTx = tx;
    }

    /** {@code GET /api/history}'s answer: the interval, the capacity and the samples, oldest first. */
    Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("intervalSeconds", INTERVAL.toSeconds());
        out.put("capacity", samples.capacity());
        out.put("samples", samples.snapshot());
        return out;
    }

    /**
     * Samples {@code backend} every {@link #INTERVAL} on a thread of its own until closed. A sample
     * that throws is dropped and logged (rate-limited); the next one is taken all the same.
     *
     * @return what stops the sampling
     */
    Runnable startSampling(WebBackend backend) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "web-traffic-history");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            try {
                sample(Instant.now(), backend.peers(), backend.peerLatencies());
            } catch (RuntimeException e) {
                failures.record(e);
            }
        }, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }
}
