package io.microlink.netcheck;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What one netcheck found: the round trip to each DERP region that answered STUN, per
 * address family, our addresses as the internet sees them, and whether an address differs
 * per destination (a "hard" NAT, where direct paths rarely work).
 *
 * @param v4Latencies region ID to best STUN round trip over IPv4; regions that never answered are absent
 * @param v6Latencies the same over IPv6
 * @param globalV4    our IPv4 address and port as the first STUN server saw them, or null
 * @param globalV6    our IPv6 address and port as the first STUN server saw them, or null
 * @param mappingVariesByDestination null when fewer than two servers of one family answered
 */
public record NetcheckReport(Instant at, Map<Integer, Duration> v4Latencies, Map<Integer, Duration> v6Latencies,
                             InetSocketAddress globalV4, InetSocketAddress globalV6,
                             Boolean mappingVariesByDestination) {
    public NetcheckReport {
        v4Latencies = Map.copyOf(v4Latencies);
        v6Latencies = Map.copyOf(v6Latencies);
    }

    public boolean udpWorks() {
        return !v4Latencies.isEmpty() || !v6Latencies.isEmpty();
    }

    /** Each region's best round trip over either family: what the home region is chosen by. */
    public Map<Integer, Duration> latencies() {
        Map<Integer, Duration> best = new HashMap<>(v4Latencies);
        v6Latencies.forEach((region, d) -> best.merge(region, d, (a, b) -> a.compareTo(b) <= 0 ? a : b));
        return Map.copyOf(best);
    }

    /** Our addresses as STUN servers saw them, IPv4 first: the endpoints peers anywhere may try. */
    public List<InetSocketAddress> globalEndpoints() {
        return Stream.of(globalV4, globalV6).filter(a -> a != null).toList();
    }

    /** Latencies as control wants them in NetInfo.DERPLatency: "REGION-v4" / "REGION-v6" to seconds. */
    public Map<String, Double> derpLatencyForControl() {
        Map<String, Double> out = new TreeMap<>();
        v4Latencies.forEach((region, d) -> out.put(region + "-v4", d.toNanos() / 1e9));
        v6Latencies.forEach((region, d) -> out.put(region + "-v6", d.toNanos() / 1e9));
        return out;
    }
}
