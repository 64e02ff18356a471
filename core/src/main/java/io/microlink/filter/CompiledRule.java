package io.microlink.filter;

import io.microlink.control.wire.FilterRule;
import io.microlink.netstack.ip.IpProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One {@link FilterRule} ready for per-packet matching: its protocols as a 256-bit set, its
 * sources as an {@link AddressSet}, and its destinations as parallel arrays of address sets and
 * port ranges.
 *
 * <pre>{@code
 * CompiledRule.compile(rule).ifPresent(r -> r.allows(IpProtocol.TCP, src, dst, 22));
 * }</pre>
 */
final class CompiledRule {
    private static final List<Integer> DEFAULT_PROTOCOLS = List.of(IpProtocol.TCP, IpProtocol.UDP, IpProtocol.ICMP, IpProtocol.ICMPV6);

    private final long[] protocols = new long[4];
    private final AddressSet sources;
    private final AddressSet[] destinations;
    private final int[] firstPorts;
    private final int[] lastPorts;

    private CompiledRule(List<Integer> protocolNumbers, AddressSet sources, List<AddressSet> destinations,
            List<FilterRule.PortRange> ports) {
        for (int p : protocolNumbers) {
            protocols[p >>> 6] |= 1L << p;
        }
        this.sources = sources;
        this.destinations = destinations.toArray(AddressSet[]::new);
        this.firstPorts = ports.stream().mapToInt(FilterRule.PortRange::first).toArray();
        this.lastPorts = ports.stream().mapToInt(FilterRule.PortRange::last).toArray();
    }

    /**
     * Compiles {@code rule} as tailscale's {@code MatchesFromFilterRules} does: an address entry
     * that does not parse is skipped, protocol numbers outside 0..255 are ignored, and no
     * {@code IPProto} means TCP, UDP, ICMPv4 and ICMPv6. Empty when the rule can match no packet
     * (no sources or no destinations, as with a rule that only grants capabilities).
     */
    static Optional<CompiledRule> compile(FilterRule rule) {
        List<AddressRange> sources = new ArrayList<>();
        for (String src : orEmpty(rule.srcIps())) {
            sources.addAll(parsedOrNone(src));
        }
        List<AddressSet> destinations = new ArrayList<>();
        List<FilterRule.PortRange> ports = new ArrayList<>();
        for (FilterRule.NetPortRange dst : orEmpty(rule.dstPorts())) {
            AddressSet nets = AddressSet.of(dst.ip() == null ? List.of() : parsedOrNone(dst.ip()));
            if (!nets.isEmpty()) {
                destinations.add(nets);
                // A missing Ports object is Go's zero PortRange: port 0 only.
                ports.add(dst.ports() == null ? new FilterRule.PortRange(0, 0) : dst.ports());
            }
        }
        AddressSet sourceSet = AddressSet.of(sources);
        if (sourceSet.isEmpty() || destinations.isEmpty()) {
            return Optional.empty();
        }
        List<Integer> protocols = orEmpty(rule.ipProto()).isEmpty()
                ? DEFAULT_PROTOCOLS
                : rule.ipProto().stream().filter(p -> p != null && p >= 0 && p <= 0xff).toList();
        return Optional.of(new CompiledRule(protocols, sourceSet, destinations, ports));
    }

    /** Whether the rule admits {@code protocol} from {@code source} to {@code destination}:{@code port}. */
    boolean allows(int protocol, byte[] source, byte[] destination, int port) {
        if (!hasProtocol(protocol) || !sources.contains(source)) {
            return false;
        }
        for (int i = 0; i < destinations.length; i++) {
            if (firstPorts[i] <= port && port <= lastPorts[i] && destinations[i].contains(destination)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the rule covers {@code source} and {@code destination} whatever the protocol and port: tailscale's test for ICMP. */
    boolean allowsAddresses(byte[] source, byte[] destination) {
        if (!sources.contains(source)) {
            return false;
        }
        for (AddressSet nets : destinations) {
            if (nets.contains(destination)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the rule admits a portless {@code protocol}: it must name the protocol and open every port of the destination. */
    boolean allowsAllPorts(int protocol, byte[] source, byte[] destination) {
        if (!hasProtocol(protocol) || !sources.contains(source)) {
            return false;
        }
        for (int i = 0; i < destinations.length; i++) {
            if (firstPorts[i] == 0 && lastPorts[i] == 0xffff && destinations[i].contains(destination)) {
                return true;
            }
        }
        return false;
    }

    private boolean hasProtocol(int protocol) {
        return (protocols[protocol >>> 6] & (1L << protocol)) != 0;
    }

    private static List<AddressRange> parsedOrNone(String text) {
        try {
            return AddressRange.parse(text);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
