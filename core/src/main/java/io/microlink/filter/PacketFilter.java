package io.microlink.filter;

import io.microlink.control.wire.FilterRule;
import io.microlink.control.wire.Node;
import io.microlink.netmap.Netmap;
import io.microlink.route.ServedRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tailnet's packet filter rules and this node's own addresses, compiled once per netmap and
 * immutable, so the packet threads share it without locks. The rule forms are those of
 * {@code tailcfg.FilterRule}: single addresses, {@code "*"}, CIDR prefixes and
 * {@code "first-last"} ranges of either family.
 *
 * <p>Node capabilities are not supported yet: a {@code "cap:..."} source matches no peer, so
 * rules that admit peers only by capability admit nothing, and {@code CapGrant} is ignored
 * (tailscale's {@code DstPorts} and {@code CapGrant} are exclusive, so such a rule has no
 * destinations and matches no packet anyway). Local are the node's own addresses and the
 * routes it serves ({@link ServedRoutes}: advertised subnet routes, the internet as an exit node),
 * so rules naming a subnet apply to routed packets by destination, as in tailscale.
 *
 * <pre>{@code
 * PacketFilter filter = PacketFilter.from(netmap);
 * boolean sshOpen = filter.allows(IpProtocol.TCP, peerAddress, ourAddress, 22);
 * }</pre>
 */
public final class PacketFilter {
    private final CompiledRule[] rules;
    private final AddressSet local;
    private final ServedRoutes served;

    private PacketFilter(CompiledRule[] rules, AddressSet local, ServedRoutes served) {
        this.rules = rules;
        this.local = local;
        this.served = served;
    }

    /** The filter of {@code netmap}'s merged rules, with the self node's addresses as the local ones. */
    public static PacketFilter from(Netmap netmap) {
        return from(netmap, ServedRoutes.NONE);
    }

    /**
     * The filter of {@code netmap}'s merged rules, with the self node's addresses and the routes it
     * serves as the local ones.
     */
    public static PacketFilter from(Netmap netmap, ServedRoutes served) {
        List<String> addresses = netmap.self().map(Node::addresses).orElse(null);
        return of(netmap.packetFilter(), addresses == null ? List.of() : addresses).serving(served);
    }

    /** This filter, with {@code routes} also counted as local. */
    public PacketFilter serving(ServedRoutes routes) {
        return new PacketFilter(rules, local, routes);
    }

    /**
     * The filter of {@code rules} for a node owning {@code localAddresses} (addresses or prefixes,
     * as in {@code Node.Addresses}); entries that do not parse are skipped.
     */
    public static PacketFilter of(List<FilterRule> rules, List<String> localAddresses) {
        List<AddressRange> local = new ArrayList<>();
        for (String address : localAddresses) {
            try {
                local.addAll(AddressRange.parse(address));
            } catch (IllegalArgumentException e) {
                // An address we cannot read is one we cannot be reached at.
            }
        }
        CompiledRule[] compiled = rules.stream()
                .map(CompiledRule::compile)
                .flatMap(Optional::stream)
                .toArray(CompiledRule[]::new);
        return new PacketFilter(compiled, AddressSet.of(local), ServedRoutes.NONE);
    }

    /** Whether {@code address} is one of this node's own, or one of a route it serves. */
    public boolean isLocal(byte[] address) {
        return local.contains(address) || served.serves(address);
    }

    /** Whether some rule admits {@code protocol} from {@code source} to {@code destination}:{@code port}. */
    public boolean allows(int protocol, byte[] source, byte[] destination, int port) {
        for (CompiledRule rule : rules) {
            if (rule.allows(protocol, source, destination, port)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some rule, of any protocol and port, covers {@code source} and {@code destination}. */
    boolean allowsAddresses(byte[] source, byte[] destination) {
        for (CompiledRule rule : rules) {
            if (rule.allowsAddresses(source, destination)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some rule names {@code protocol} and opens every port of {@code destination} to {@code source}. */
    boolean allowsAllPorts(int protocol, byte[] source, byte[] destination) {
        for (CompiledRule rule : rules) {
            if (rule.allowsAllPorts(protocol, source, destination)) {
                return true;
            }
        }
        return false;
    }
}
