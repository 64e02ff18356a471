package io.microlink;

import io.microlink.netcheck.NetcheckReport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one netcheck round found, like {@code tailscale netcheck}: whether UDP gets out, this
 * node's address as the internet sees it, and the round trip to each DERP region that
 * answered STUN. Regions are by ID; {@link TailnetMap#derpRegion} names them.
 *
 * <pre>{@code
 * NetcheckResult r = node.netcheck(Duration.ofSeconds(10));
 * System.out.println("UDP " + r.udpWorks() + ", IPv4 " + r.globalV4().map(Object::toString).orElse("none"));
 * r.latencies().forEach((region, rtt) -> System.out.println(
 *         node.tailnet().derpRegion(region).map(DerpRegion::code).orElse("?") + " " + rtt.toMillis() + " ms"));
 * }</pre>
 *
 * @param at          when the round finished
 * @param udpWorks    whether any STUN server answered over UDP, the precondition for direct paths
 * @param globalV4    this node's IPv4 address and port as the first STUN server saw them
 * @param globalV6    the same over IPv6
 * @param mappingVariesByDestination whether STUN servers saw different ports (a "hard" NAT, where direct
 *                    paths rarely work); empty when fewer than two servers of one family answered
 * @param latencies   region ID to its best round trip over either family: what the home region is chosen
 *                    by; regions that never answered are absent
 * @param v4Latencies region ID to its best round trip over IPv4
 * @param v6Latencies region ID to its best round trip over IPv6
 */
public record NetcheckResult(Instant at, boolean udpWorks, Optional<InetSocketAddress> globalV4,
                             Optional<InetSocketAddress> globalV6, Optional<Boolean> mappingVariesByDestination,
                             Map<Integer, Duration> latencies, Map<Integer, Duration> v4Latencies,
                             Map<Integer, Duration> v6Latencies) {
    /** Checks the required components and copies the maps, so the result never changes. */
    public NetcheckResult {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(globalV4, "globalV4");
        Objects.requireNonNull(globalV6, "globalV6");
        Objects.requireNonNull(mappingVariesByDestination, "mappingVariesByDestination");
        latencies = Map.copyOf(latencies);
        v4Latencies = Map.copyOf(v4Latencies);
        v6Latencies = Map.copyOf(v6Latencies);
    }

    static NetcheckResult of(NetcheckReport r) {
        return new NetcheckResult(r.at(), r.udpWorks(), Optional.ofNullable(r.globalV4()),
                Optional.ofNullable(r.globalV6()), Optional.ofNullable(r.mappingVariesByDestination()), r.latencies(),
                r.v4Latencies(), r.v6Latencies());
    }
}
