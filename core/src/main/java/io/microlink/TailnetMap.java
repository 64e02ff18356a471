package io.microlink;

import io.microlink.control.wire.DerpMap;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.Node;
import io.microlink.control.wire.UserProfile;
import io.microlink.key.KeyKind;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.PeerExpiry;
import io.microlink.route.RouteTable;
import java.net.InetAddress;
import java.time.Instant;
import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The tailnet as control last described it to this node: this node, its peers, the MagicDNS
 * suffix and the DERP relay regions. It is an immutable snapshot: {@link TailnetNode#tailnet()}
 * gives the latest, {@link NodeListener#tailnetChanged} each new one. It is also a thin view:
 * a {@link Peer} is made when it is asked for, so taking a snapshot of a tailnet of thousands
 * costs nothing, and a peer asked for twice is two equal objects.
 *
 * <pre>{@code
 * TailnetMap tailnet = node.tailnet();
 * Optional<Peer> laptop = tailnet.find("laptop");        // or laptop.tailnet.example, 100.64.0.2, nodekey:...
 * long online = tailnet.peers().stream().filter(p -> p.online().orElse(false)).count();
 * String domain = tailnet.magicDnsSuffix().orElse("(not joined yet)");
 * }</pre>
 */
public final class TailnetMap {
    /** An expiry at or before this means "never": control sends Go's zero time (year 1) for it. */
    private static final Instant NO_EXPIRY = Instant.EPOCH;

    private final Netmap netmap;

    TailnetMap(Netmap netmap) {
        this.netmap = netmap;
    }

    /**
     * This node, or empty before control first described it.
     *
     * @return this node, or empty
     */
    public Optional<Peer> self() {
        return netmap.self().map(this::peer);
    }

    /**
     * The peers, ordered by node ID: an unmodifiable view whose iteration makes each
     * {@link Peer} as it reaches it. Copy it ({@code List.copyOf}) to keep the objects.
     *
     * @return the peers
     */
    public Collection<Peer> peers() {
        Collection<Node> nodes = netmap.peers();
        return new AbstractCollection<>() {
            @Override
            public Iterator<Peer> iterator() {
                Iterator<Node> it = nodes.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Peer next() {
                        return peer(it.next());
                    }
                };
            }

            @Override
            public int size() {
                return nodes.size();
            }
        };
    }

    /**
     * The peer that {@code which} names: its short name or FQDN (case-insensitive, with or
     * without the trailing dot), a tailnet address as Tailscale writes it ({@link AddressText}),
     * or its node key ({@code nodekey:...}). These are the forms the node itself takes for
     * {@link TailnetNode.Builder#discoAllowlist}, {@link TailnetNode.Builder#priorityPeer} and
     * {@link TailnetNode#ping}, and they find the same peer here. This node is never a match.
     *
     * @param which a name, address or node key
     * @return the peer, or empty
     */
    public Optional<Peer> find(String which) {
        return node(which).map(this::peer);
    }

    /**
     * The MagicDNS suffix: this node's FQDN without its first label, e.g.
     * {@code tailnet.example}. Empty before control described this node.
     *
     * @return the suffix, or empty
     */
    public Optional<String> magicDnsSuffix() {
        return netmap.self().map(n -> fqdn(n.name())).filter(fqdn -> fqdn.contains("."))
                .map(fqdn -> fqdn.substring(fqdn.indexOf('.') + 1));
    }

    /**
     * The tailnet's DERP relay regions, by ID; empty before control sent its DERP map.
     *
     * @return the regions
     */
    public List<DerpRegion> derpRegions() {
        return regions().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> DerpRegion.of(e.getKey(), e.getValue())).toList();
    }

    /**
     * The DERP region with this ID, e.g. a {@link Peer#homeDerpRegion()}.
     *
     * @param id the region's ID
     * @return the region, or empty
     */
    public Optional<DerpRegion> derpRegion(int id) {
        return Optional.ofNullable(regions().get(id)).map(r -> DerpRegion.of(id, r));
    }

    private Map<Integer, DerpMap.Region> regions() {
        return netmap.derpMap().map(DerpMap::regions).orElse(Map.of());
    }

    /** The wire node {@link #find} names: the netmap's own lookup, which the node's allowlist uses too. */
    Optional<Node> node(String which) {
        return netmap.find(which);
    }

    /** The node, this one first, with {@code address} among its tailnet addresses, for {@link WhoIs}. */
    Optional<Peer> owner(InetAddress address) {
        // A scan instead of an index: whois is asked once per connection, not per packet, and
        // comparing parsed addresses sidesteps the many text forms of one IPv6 address. Only
        // the match becomes a Peer.
        return Stream.concat(netmap.self().stream(), netmap.peers().stream())
                .filter(n -> addresses(n).contains(address))
                .findFirst()
                .map(this::peer);
    }

    boolean isSelf(Peer p) {
        return netmap.self().filter(n -> n.id() == p.id()).isPresent();
    }

    /** The display name of a user, for {@link WhoIs}; empty when control sent no profile. */
    String displayName(long userId) {
        return netmap.user(userId).map(UserProfile::displayName).orElse("");
    }

    Peer peer(Node n) {
        String fqdn = fqdn(n.name());
        Hostinfo host = n.hostinfo();
        Instant expiry = n.keyExpiry();
        return new Peer(n.id(), fqdn, fqdn.split("\\.", 2)[0], PublicKey.parse(KeyKind.NODE, n.key()), addresses(n),
                host == null || host.os() == null ? "" : host.os(),
                host == null || host.hostname() == null ? "" : host.hostname(),
                Optional.ofNullable(n.online()), Optional.ofNullable(n.lastSeen()),
                Optional.ofNullable(expiry).filter(t -> t.isAfter(NO_EXPIRY)), PeerExpiry.expiredAt(n, Instant.now()),
                n.tags() == null ? List.of() : n.tags(), n.homeRegion(), n.user(),
                netmap.user(n.user()).map(UserProfile::loginName).orElse(""), RouteTable.subnetRoutes(n),
                n.primaryRoutes() == null ? List.of() : n.primaryRoutes(), RouteTable.offersExit(n));
    }

    PeerEvent event(io.microlink.netmap.PeerUpdate e) {
        return new PeerEvent(e.kind(), peer(e.peer()), Optional.ofNullable(e.previous()).map(this::peer));
    }

    /** A node name as control writes it ({@code laptop.tailnet.example.}) without the trailing dot. */
    static String fqdn(String wireName) {
        if (wireName == null) {
            return "";
        }
        return wireName.endsWith(".") ? wireName.substring(0, wireName.length() - 1) : wireName;
    }

    /** A node's tailnet addresses without their prefix lengths; anything that is not an address is left out. */
    static List<InetAddress> addresses(Node n) {
        if (n.addresses() == null) {
            return List.of();
        }
        return n.addresses().stream().<InetAddress>mapMulti((prefix, out) -> {
            try {
                out.accept(InetAddress.ofLiteral(prefix.split("/", 2)[0]));
            } catch (IllegalArgumentException e) {
                // control sent something that is not an address; the node owns nothing by it
            }
        }).toList();
    }

    @Override
    public String toString() {
        return "TailnetMap[self=" + netmap.self().map(n -> fqdn(n.name())).orElse("none") + ", peers=" + netmap.peers().size() + "]";
    }
}
