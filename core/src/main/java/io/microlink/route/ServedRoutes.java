package io.microlink.route;

import io.microlink.control.wire.Node;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which destinations this node relays for its peers, sans I/O: the routes it advertises that
 * control approved (the self node's {@code AllowedIPs} and {@code PrimaryRoutes} beyond its own
 * addresses). Immutable; each netmap makes a new one. The packet filter counts them as local, so
 * the tailnet's rules apply to routed packets by destination, as ACLs naming subnets expect.
 *
 * <p>An approved subnet route is served as advertised. An approved exit route (0.0.0.0/0 and
 * ::/0) serves the internet only, as tailscaled's "guest wifi" rule does: minus the networks of
 * the host's own interfaces, private (RFC 1918), link-local, multicast, the tailnet's own
 * 100.64.0.0/10 and fd7a:115c:a1e0::/48 and IPv6 multicast, unless a subnet route names them.
 * Loopback and the unspecified networks are never served, whatever is advertised: a peer must
 * not reach services that trust the host's own loopback.
 *
 * <pre>{@code
 * ServedRoutes served = ServedRoutes.of(advertised, netmap.self(), HostNetworks.prefixes());
 * served.serves(InetAddress.ofLiteral("192.168.50.7").getAddress()); // true once approved
 * }</pre>
 */
public final class ServedRoutes {
    /** Serves nothing: a node that advertises no routes, or before control approved any. */
    public static final ServedRoutes NONE = new ServedRoutes(List.of(), false, List.of());

    /** tailscale's {@code removeFromDefaultRoute}: what an exit node never carries by its default route. */
    private static final List<Prefix> NOT_BY_EXIT = prefixes("192.168.0.0/16", "172.16.0.0/12", "10.0.0.0/8",
            "169.254.0.0/16", "224.0.0.0/4", "100.64.0.0/10", "fe80::/10", "ff00::/8", "fd7a:115c:a1e0::/48");
    /** Never served: the host's own loopback, and addresses that name no host. */
    private static final List<Prefix> NEVER = prefixes("127.0.0.0/8", "0.0.0.0/8", "255.255.255.255/32", "::1/128",
            "::/128", "169.254.0.0/16", "fe80::/10", "224.0.0.0/4", "ff00::/8");

    private final List<Prefix> subnets;
    private final boolean exit;
    private final List<Prefix> hostNetworks;

    private ServedRoutes(List<Prefix> subnets, boolean exit, List<Prefix> hostNetworks) {
        this.subnets = List.copyOf(subnets);
        this.exit = exit;
        this.hostNetworks = List.copyOf(hostNetworks);
    }

    /**
     * The routes served by one netmap.
     *
     * @param advertised   what this node offers ({@link AdvertisedRoutes#parse})
     * @param self         this node as control describes it, or empty before the first netmap
     * @param hostNetworks the prefixes of the host's own interfaces, which the exit route leaves out
     * @return what this node relays now
     */
    public static ServedRoutes of(Collection<Prefix> advertised, Optional<Node> self, List<Prefix> hostNetworks) {
        if (advertised.isEmpty() || self.isEmpty()) {
            return NONE;
        }
        Set<Prefix> approved = new LinkedHashSet<>();
        Node n = self.get();
        for (List<String> list : java.util.Arrays.asList(n.allowedIps(), n.primaryRoutes())) {
            if (list != null) {
                list.forEach(text -> Prefix.parse(text).ifPresent(approved::add));
            }
        }
        List<Prefix> subnets = new ArrayList<>();
        for (Prefix p : advertised) {
            if (!p.isDefault() && approved.contains(p)) {
                subnets.add(p);
            }
        }
        boolean exit = AdvertisedRoutes.offersExit(advertised) && AdvertisedRoutes.offersExit(approved);
        return new ServedRoutes(subnets, exit, hostNetworks);
    }

    /**
     * Whether a peer's packet to {@code destination} is relayed by this node.
     *
     * @param destination a raw IPv4 or IPv6 address
     * @return true when an approved route covers it and no rule above keeps it out
     */
    public boolean serves(byte[] destination) {
        if (subnets.isEmpty() && !exit) {
            return false; // the common case, and every packet asks: no address object made
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByAddress(destination);
        } catch (UnknownHostException e) {
            return false;
        }
        if (anyContains(NEVER, ip)) {
            return false;
        }
        if (anyContains(subnets, ip)) {
            return true;
        }
        return exit && !anyContains(NOT_BY_EXIT, ip) && !anyContains(hostNetworks, ip);
    }

    /** The approved subnet routes served now, for status. */
    public List<Prefix> subnets() {
        return subnets;
    }

    /** Whether control approved this node as an exit node. */
    public boolean exitApproved() {
        return exit;
    }

    /** The approved routes served now, the default routes included for an exit node, for status. */
    public List<Prefix> approved() {
        if (!exit) {
            return subnets;
        }
        List<Prefix> out = new ArrayList<>(AdvertisedRoutes.parse(List.of(), true));
        out.addAll(subnets);
        return List.copyOf(out);
    }

    /** Whether anything is served at all. */
    public boolean any() {
        return exit || !subnets.isEmpty();
    }

    private static boolean anyContains(List<Prefix> list, InetAddress ip) {
        for (Prefix p : list) {
            if (p.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    private static List<Prefix> prefixes(String... texts) {
        List<Prefix> out = new ArrayList<>();
        for (String t : texts) {
            out.add(Prefix.parse(t).orElseThrow());
        }
        return List.copyOf(out);
    }
}
