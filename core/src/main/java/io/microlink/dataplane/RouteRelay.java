package io.microlink.dataplane;

import io.microlink.control.wire.Node;
import io.microlink.netmap.Netmap;
import io.microlink.netstack.relay.RelayLimits;
import io.microlink.netstack.relay.RelayService;
import io.microlink.netstack.relay.RelayTarget;
import io.microlink.netstack.socket.Netstack;
import io.microlink.route.AdvertisedRoutes;
import io.microlink.route.Prefix;
import io.microlink.route.ServedRoutes;
import io.microlink.route.Via;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Userspace mode's subnet router and exit node: the relay that carries peers' TCP, UDP and pings
 * for the advertised routes on from this host's own sockets (4via6 ones to the IPv4 host behind
 * the via address, {@link ViaRelayTarget}), and which destinations it serves.
 * It follows two things that change under it. The netmap: a peer that left it has its relayed
 * connections and flows closed at once, as the LOPOWER bridge does for a removed device (what it
 * had open would otherwise run on until idle). And the host's network: the exit route leaves out
 * the host's own networks, read again when the network changes ({@link #rereadHostNetworks}), so
 * a LAN the host joined later is not served to the tailnet.
 */
final class RouteRelay implements AutoCloseable {
    private final List<Prefix> advertised;
    private final Supplier<List<Prefix>> readHostNetworks;
    /** Null when nothing is advertised: nothing is relayed then. */
    private final RelayService relay;
    private volatile List<Prefix> hostNetworks;

    /**
     * @param advertised       the routes this node offers; none: nothing is relayed
     * @param stack            the netstack whose foreign-address traffic is relayed
     * @param ownerOf          the peer (its node ID) a source address counts against, or null for none
     * @param target           where relayed traffic goes on (the host's sockets)
     * @param readHostNetworks reads the prefixes of the host's interfaces now
     */
    RouteRelay(List<Prefix> advertised, Netstack stack, Function<InetAddress, Object> ownerOf, RelayTarget target,
               Supplier<List<Prefix>> readHostNetworks) {
        this.advertised = List.copyOf(advertised);
        this.readHostNetworks = readHostNetworks;
        this.hostNetworks = advertised.isEmpty() ? List.of() : List.copyOf(readHostNetworks.get());
        // 4via6 routes reach IPv4 hosts by their via addresses, which the target must translate.
        boolean via = advertised.stream().anyMatch(Via::isVia);
        this.relay = advertised.isEmpty() ? null : start(stack, ownerOf, via ? new ViaRelayTarget(target) : target);
    }

    private static RelayService start(Netstack stack, Function<InetAddress, Object> ownerOf, RelayTarget target) {
        try {
            return RelayService.start(stack, ownerOf, target, RelayLimits.DEFAULTS);
        } catch (IOException e) {
            throw new IllegalStateException("the netstack relays already", e);
        }
    }

    /** Whether what is served depends on the host's networks: only the exit route leaves them out. */
    boolean readsHostNetworks() {
        return AdvertisedRoutes.offersExit(advertised);
    }

    /**
     * Reads the host's networks again, after the network changed.
     *
     * @return whether they differ from the last read, so what is served changed
     */
    boolean rereadHostNetworks() {
        if (!readsHostNetworks()) {
            return false;
        }
        List<Prefix> now = List.copyOf(readHostNetworks.get());
        if (Set.copyOf(now).equals(Set.copyOf(hostNetworks))) {
            return false;
        }
        hostNetworks = now;
        return true;
    }

    /**
     * What is served by the self node control last sent, with the host's networks as last read.
     *
     * @param self this node as the netmap describes it
     * @return the served routes
     */
    ServedRoutes served(Optional<Node> self) {
        return ServedRoutes.of(advertised, self, hostNetworks);
    }

    /** Closes the relayed connections and flows of every peer in {@code previous} that {@code next} no longer has. */
    void peersChanged(Netmap previous, Netmap next) {
        if (relay == null) {
            return;
        }
        Set<Long> staying = next.peers().stream().map(Node::id).collect(Collectors.toSet());
        for (Node gone : previous.peers()) {
            if (!staying.contains(gone.id())) {
                relay.closeOwner(gone.id());
            }
        }
    }

    /**
     * TCP connections and UDP flows one peer holds through the relay now.
     *
     * @param nodeId the peer's node ID
     * @return the count; 0 when nothing is relayed
     */
    int relayed(long nodeId) {
        return relay == null ? 0 : relay.relayed(nodeId);
    }

    /** The relay's counters by event name; empty when nothing is advertised. */
    Map<String, Long> counters() {
        return relay == null ? Map.of() : relay.counters();
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.close();
        }
    }
}
