package io.microlink.route;

import io.microlink.AddressText;
import io.microlink.control.wire.Node;
import io.microlink.netmap.Netmap;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which peer carries which destination, for one netmap and this node's {@link RoutePrefs}: the
 * WireGuard allowed IPs of each peer, and the answer to "may this node send to that address?"
 * for its sockets and proxies. Immutable; a new netmap makes a new table, so primary routes
 * that control moves (a subnet router's failover) move here too.
 *
 * <p>As tailscale's WireGuard config does, a peer always gets its own addresses; a default route
 * only if it is the chosen exit node; a subnet route (any prefix other than one of its own
 * addresses) only with accept-routes. Control lists in a peer's {@code AllowedIPs} only the
 * routes it approved and, of a subnet two routers offer, only the primary's.
 *
 * <pre>{@code
 * RouteTable table = RouteTable.of(netmap, new RoutePrefs(true, null, false, List.of()), n -> true);
 * table.route(InetAddress.ofLiteral("10.77.0.5")); // Via[peer=the router]
 * }</pre>
 */
public final class RouteTable {
    /** How this node reaches one destination. */
    public sealed interface Route {}

    /** Through {@code peer} (a tailnet address, a subnet route or the exit node). */
    public record Via(Node peer) implements Route {}

    /** On the host's own network, which {@link RoutePrefs#allowLanAccess} keeps off the exit node. */
    public record Lan() implements Route {}

    /** Nowhere: {@code reason} says why, in one line for the user. */
    public record Refused(String reason) implements Route {}

    private static final Prefix CGNAT = Prefix.parse("100.64.0.0/10").orElseThrow();
    private static final Prefix TAILNET_V6 = Prefix.parse("fd7a:115c:a1e0::/48").orElseThrow();

    private final RoutePrefs prefs;
    private final Netmap netmap;
    private final Predicate<Node> usable;
    /** The routes beyond peers' own addresses: a peer's own address is found in the netmap's index instead. */
    private final List<Entry> entries = new ArrayList<>();
    private final List<Entry> declined = new ArrayList<>();
    private final Node exitNode;
    private final String exitNodeProblem;
    private final List<Prefix> ownAddresses;
    private final List<Prefix> acceptedSubnetRoutes = new ArrayList<>();

    private record Entry(Prefix prefix, Node peer) {}

    private RouteTable(Netmap netmap, RoutePrefs prefs, Predicate<Node> usable) {
        this.prefs = prefs;
        this.netmap = netmap;
        this.usable = usable;
        Node exit = null;
        String problem = null;
        if (prefs.exitNode() != null) {
            Optional<Node> named = netmap.find(prefs.exitNode());
            if (named.isEmpty()) {
                problem = "exit node " + prefs.exitNode() + " is not a peer in the tailnet";
            } else if (!offersExit(named.get())) {
                problem = "exit node " + prefs.exitNode() + " is not an exit node: it offers no approved "
                        + "0.0.0.0/0 and ::/0 routes (tailscale up --advertise-exit-node there, then approve them)";
            } else if (!usable.test(named.get())) {
                problem = "exit node " + prefs.exitNode() + " cannot be used now: its node key has expired";
            } else {
                exit = named.get();
            }
        }
        this.exitNode = exit;
        this.exitNodeProblem = problem;
        this.ownAddresses = netmap.self().map(Node::addresses).orElse(List.of()).stream()
                .map(Prefix::parse).flatMap(Optional::stream).toList();
        for (Node peer : netmap.peers()) {
            if (peer.key() == null || peer.addresses() == null || !usable.test(peer)) {
                continue;
            }
            List<String> used = allowedIps(peer, false);
            for (String text : allowedIps(peer, true)) {
                Prefix.parse(text).filter(p -> !(p.isSingleAddress() && isOwnAddress(peer, p)))
                        .ifPresent(p -> (used.contains(text) ? entries : declined).add(new Entry(p, peer)));
            }
            if (prefs.acceptRoutes()) {
                subnetRoutes(peer).forEach(text -> Prefix.parse(text).filter(p -> !acceptedSubnetRoutes.contains(p))
                        .ifPresent(acceptedSubnetRoutes::add));
            }
        }
        // Longest prefix first, so route() finds the most specific one, as a routing table does.
        entries.sort((a, b) -> b.prefix().bits() - a.prefix().bits());
    }

    /**
     * The table for {@code netmap}.
     *
     * @param usable which peers may have routes (those whose key has not expired)
     */
    public static RouteTable of(Netmap netmap, RoutePrefs prefs, Predicate<Node> usable) {
        return new RouteTable(netmap, prefs, usable);
    }

    /** Whether {@code peer} offers both default routes, i.e. is an exit node control approved. */
    public static boolean offersExit(Node peer) {
        List<String> ips = peer.allowedIps() == null ? List.of() : peer.allowedIps();
        boolean v4 = false;
        boolean v6 = false;
        for (String ip : ips) {
            Optional<Prefix> p = Prefix.parse(ip);
            if (p.isPresent() && p.get().isDefault()) {
                v4 |= p.get().address().getAddress().length == 4;
                v6 |= p.get().address().getAddress().length == 16;
            }
        }
        return v4 && v6;
    }

    /**
     * The subnet routes {@code peer} offers: its approved {@code AllowedIPs} beyond its own
     * addresses and the default routes, in control's order.
     */
    public static List<String> subnetRoutes(Node peer) {
        List<String> routes = new ArrayList<>();
        for (String ip : peer.allowedIps() == null ? List.<String>of() : peer.allowedIps()) {
            Optional<Prefix> p = Prefix.parse(ip);
            if (p.isPresent() && !p.get().isDefault() && !isOwnAddress(peer, p.get())) {
                routes.add(p.get().toString());
            }
        }
        return routes;
    }

    /** The prefixes the WireGuard peer of {@code peer} gets: what it may send from and is sent to. */
    public List<String> allowedIps(Node peer) {
        return allowedIps(peer, false);
    }

    private List<String> allowedIps(Node peer, boolean all) {
        List<String> out = new ArrayList<>(peer.addresses());
        if (peer.allowedIps() == null) {
            return out;
        }
        boolean isExit = exitNode != null && exitNode.id() == peer.id();
        for (String ip : peer.allowedIps()) {
            Optional<Prefix> p = Prefix.parse(ip);
            if (p.isEmpty() || isOwnAddress(peer, p.get())) {
                continue;
            }
            boolean wanted = p.get().isDefault() ? isExit : prefs.acceptRoutes();
            if (wanted || all) {
                out.add(ip);
            }
        }
        return out;
    }

    private static boolean isOwnAddress(Node peer, Prefix p) {
        return p.isSingleAddress() && peer.addresses().stream()
                .map(Prefix::parse).flatMap(Optional::stream).anyMatch(p::equals);
    }

    /**
     * The peers' subnet routes this node uses (accept-routes): control's primary routes of each
     * usable peer beyond its own addresses and the default routes, each once; empty without
     * accept-routes.
     */
    public List<Prefix> acceptedSubnetRoutes() {
        return List.copyOf(acceptedSubnetRoutes);
    }

    /**
     * Whether a route wider than one peer's own addresses reaches into the tailnet's ranges: the
     * exit node's default routes, or an accepted subnet route overlapping them. Then only a
     * peer's own address, as a more specific route, keeps its packets from going there.
     */
    public boolean widensIntoTailnet() {
        return exitNode != null || acceptedSubnetRoutes.stream().anyMatch(p -> overlaps(p, CGNAT) || overlaps(p, TAILNET_V6));
    }

    private static boolean overlaps(Prefix a, Prefix b) {
        return a.covers(b) || b.covers(a);
    }

    /** The exit node in use, if one was asked for and it is one. */
    public Optional<Node> exitNode() {
        return Optional.ofNullable(exitNode);
    }

    /** Why the exit node asked for is not used, in one line; empty when none was asked for or it is used. */
    public Optional<String> exitNodeProblem() {
        return Optional.ofNullable(exitNodeProblem);
    }

    /**
     * How this node reaches {@code destination}: the most specific route wins; the tailnet's own
     * ranges never go to an exit node or the LAN.
     */
    public Route route(InetAddress destination) {
        boolean tailnet = CGNAT.contains(destination) || TAILNET_V6.contains(destination);
        if (!tailnet && exitNode != null && prefs.allowLanAccess()
                && prefs.lan().stream().anyMatch(p -> p.contains(destination))) {
            return new Lan();
        }
        // A peer's own address is the most specific route there is (/32, /128).
        Node owner = netmap.peerByAddress(AddressText.of(destination)).orElse(null);
        if (owner != null && owner.key() != null && usable.test(owner)) {
            return new Via(owner);
        }
        for (Entry e : entries) {
            if (e.prefix().contains(destination) && (!tailnet || !e.prefix().isDefault())) {
                return new Via(e.peer());
            }
        }
        String address = AddressText.of(destination);
        if (ownAddresses.stream().anyMatch(p -> p.contains(destination))) {
            return new Refused(address + " is this node's own address, which no peer carries back");
        }
        if (tailnet) {
            return new Refused(address + " is not the address of any peer in the tailnet");
        }
        for (Entry e : declined) {
            if (!e.prefix().isDefault() && e.prefix().contains(destination)) {
                return new Refused(address + " is in subnet route " + e.prefix() + " of " + nameOf(e.peer())
                        + ", but this node does not accept routes (turn on accept-routes)");
            }
        }
        if (exitNodeProblem != null) {
            return new Refused(address + " is outside the tailnet, and " + exitNodeProblem);
        }
        return new Refused(address + " is outside the tailnet, no peer's accepted route covers it,"
                + " and no exit node is used");
    }

    private static String nameOf(Node peer) {
        String name = peer.name() == null ? "" : peer.name();
        return name.isEmpty() ? "node " + peer.id() : name.split("\\.", 2)[0];
    }
}
