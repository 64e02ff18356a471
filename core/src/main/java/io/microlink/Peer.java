package io.microlink;

import io.microlink.key.PublicKey;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A node of the tailnet (a peer, or this node as {@link TailnetMap#self()}) as control last
 * described it: an immutable snapshot, about what {@code tailscale status --json} shows of a
 * peer. A changed peer is a new {@code Peer}; {@link NodeListener#peerChanged} tells when.
 *
 * <pre>{@code
 * for (Peer p : node.tailnet().peers()) {
 *     System.out.println(p.shortName() + " " + AddressText.of(p.addresses().getFirst())
 *             + (p.online().orElse(false) ? " online" : " offline") + " " + p.os());
 * }
 * }</pre>
 *
 * @param id             control's node ID
 * @param fqdn           the MagicDNS name without the trailing dot, e.g. {@code laptop.tailnet.example};
 *                       empty when control sent none
 * @param shortName      its first label, e.g. {@code laptop}
 * @param nodeKey        its WireGuard public key ({@code nodekey:...})
 * @param addresses      its tailnet addresses, IPv4 first as control lists them
 * @param os             the operating system it reports, e.g. {@code linux}; empty when unknown
 * @param hostname       the machine's own host name, which may differ from {@code shortName} (control
 *                       may have renamed the node); empty when unknown
 * @param online         whether control sees it connected; empty when control does not say
 * @param lastSeen       when control last saw it connected; empty when unknown
 * @param keyExpiry      when its node key expires; empty when it never does
 * @param expired        whether its node key has expired, by control's word or because {@code keyExpiry}
 *                       has passed: such a peer stays listed but gets no WireGuard session and no
 *                       path, and one that expires while the node runs is cut off then
 * @param tags           ACL tags, e.g. {@code tag:server}; empty for a node owned by a person
 * @param homeDerpRegion the DERP region it is reached through when there is no direct path
 *                       ({@link TailnetMap#derpRegion}); 0 when unknown
 * @param userId         control's ID of the user it is filed under (a tagged node's is the tagger's)
 * @param loginName      that user's login name, e.g. {@code alice@example.com}; empty when control
 *                       sent no profile
 * @param routes         the subnet routes control lets it carry for this node (its approved routes
 *                       it is primary for, e.g. {@code 10.77.0.0/24}); used with
 *                       {@link TailnetNode.Builder#acceptRoutes}
 * @param primaryRoutes  the subnets control made it the primary router of (of two routers for one
 *                       subnet, control names one and moves it when that one goes down)
 * @param exitNode       whether it offers approved 0.0.0.0/0 and ::/0 routes, so it can be
 *                       {@link TailnetNode.Builder#exitNode}
 */
public record Peer(long id, String fqdn, String shortName, PublicKey nodeKey, List<InetAddress> addresses,
                   String os, String hostname, Optional<Boolean> online, Optional<Instant> lastSeen,
                   Optional<Instant> keyExpiry, boolean expired, List<String> tags, int homeDerpRegion,
                   long userId, String loginName, List<String> routes, List<String> primaryRoutes,
                   boolean exitNode) {

    /** Checks the required components and copies the lists. */
    public Peer {
        Objects.requireNonNull(fqdn, "fqdn");
        Objects.requireNonNull(shortName, "shortName");
        Objects.requireNonNull(nodeKey, "nodeKey");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(online, "online");
        Objects.requireNonNull(lastSeen, "lastSeen");
        Objects.requireNonNull(keyExpiry, "keyExpiry");
        tags = List.copyOf(tags);
        Objects.requireNonNull(loginName, "loginName");
        routes = List.copyOf(routes);
        primaryRoutes = List.copyOf(primaryRoutes);
    }
}
