package io.microlink.netcheck;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Picks the home DERP region from netcheck reports, sans I/O, with tailscale's stickiness:
 * each region scores its best latency over the last five minutes; the lowest score wins,
 * but the current home is kept while it still answers unless the winner is at least 10 ms
 * better and faster than two thirds of the current home's latency. So one noisy probe
 * never flips the home region, and therefore the relay every peer uses to reach us.
 *
 * <pre>{@code
 * HomeDerpSelector selector = new HomeDerpSelector();
 * int home = selector.update(report);      // after every netcheck
 * }</pre>
 */
public final class HomeDerpSelector {
    static final Duration HISTORY = Duration.ofMinutes(5);
    static final Duration MIN_GAIN = Duration.ofMillis(10);

    private final Deque<NetcheckReport> history = new ArrayDeque<>();
    private final Map<Integer, Double> regionScore;
    private int home;

    public HomeDerpSelector() {
        this(Map.of());
    }

    /** @param regionScore control's multipliers (DERPMap.HomeParams.RegionScore); missing means 1 */
    public HomeDerpSelector(Map<Integer, Double> regionScore) {
        this.regionScore = Map.copyOf(regionScore);
    }

    /** Adds a report and returns the home region, or 0 when no region has ever answered. */
    public int update(NetcheckReport report) {
        history.addLast(report);
        Instant horizon = report.at().minus(HISTORY);
        while (!history.isEmpty() && history.peekFirst().at().isBefore(horizon)) {
            history.removeFirst();
        }
        Map<Integer, Duration> best = new HashMap<>();
        for (NetcheckReport r : history) {
            r.latencies().forEach((region, d) -> best.merge(region, d, (a, b) -> a.compareTo(b) <= 0 ? a : b));
        }
        int winner = 0;
        double winnerScore = Double.MAX_VALUE;
        for (var e : best.entrySet()) {
            double score = e.getValue().toNanos() * regionScore.getOrDefault(e.getKey(), 1.0);
            if (score < winnerScore || (score == winnerScore && e.getKey() < winner)) {
                winner = e.getKey();
                winnerScore = score;
            }
        }
        Duration current = home == 0 ? null : report.latencies().get(home);
        if (current != null && winner != home) {
            Duration challenger = best.get(winner);
            boolean clearlyBetter = current.minus(challenger).compareTo(MIN_GAIN) >= 0
                    && challenger.toNanos() * 3 < current.toNanos() * 2;
            if (!clearlyBetter) {
                return home;
            }
        }
        if (winner != 0) {
            home = winner;
        }
        return home;
    }

    public int home() {
        return home;
    }
}
