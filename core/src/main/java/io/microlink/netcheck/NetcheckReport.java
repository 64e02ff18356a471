package io.microlink.netcheck;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What one netcheck found: the round trip to each DERP region that answered STUN, our
 * address as the internet sees it, and whether that address differs per destination (a
 * "hard" NAT, where direct paths rarely work).
 *
 * @param latencies       region ID to best STUN round trip; regions that never answered are absent
 * @param globalV4        our IPv4 address and port as the first STUN server saw them, if any did
 * @param mappingVariesByDestination null when fewer than two servers answered
 */
public record NetcheckReport(Instant at, Map<Integer, Duration> latencies, InetSocketAddress globalV4,
                             Boolean mappingVariesByDestination) {
    public boolean udpWorks() {
        return !latencies.isEmpty();
    }

    public Optional<InetSocketAddress> global() {
        return Optional.ofNullable(globalV4);
    }

    /** Latencies as control wants them in NetInfo.DERPLatency: "REGION-v4" to seconds. */
    public Map<String, Double> derpLatencyForControl() {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        latencies.forEach((region, d) -> out.put(region + "-v4", d.toNanos() / 1e9));
        return out;
    }
}
