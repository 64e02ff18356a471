package io.microlink.route;

import io.microlink.control.wire.Node;
import io.microlink.filter.AddressSet;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which destinations this node relays for its peers, sans I/O: the routes it advertises, as
 * tailscaled's packet filter counts its advertised routes ({@code prefs.AdvertiseRoutes}) as
 * local. Control's approval decides whether peers send them here at all (it puts them in the
 * peers' allowed IPs); the tailnet's rules decide, by destination, what passes. The router
 * itself may not learn of the approval for a while: headscale sends the other nodes a policy
 * change and the router no new self node, so {@link #approved} (for status) reads what the
 * last self node said. Immutable; each netmap makes a new one.
 *
 * <p>A subnet route is served as advertised. The exit routes (0.0.0.0/0 and ::/0) serve the
 * internet only, as tailscaled's "guest wifi" rule does: minus the networks of the host's own
 * interfaces, private (RFC 1918), link-local, multicast, the tailnet's own 100.64.0.0/10 and
 * fd7a:115c:a1e0::/48 and IPv6 multicast, unless a subnet route names them. Loopback and the
 * unspecified networks are never served, whatever is advertised: a peer must not reach services
 * that trust the host's own loopback.
 *
 * <p>A 4via6 route ({@link Via}) is served for the IPv4 hosts behind it that tailscaled's
 * {@code viaTargetAllowed} lets through: never loopback, link-local, multicast, broadcast or
 * tailnet hosts, whatever site and prefix are advertised. The exit routes never cover the via range.
 *
 * <pre>{@code
 * ServedRoutes served = ServedRoutes.of(advertised, netmap.self(), HostNetworks.prefixes());
 * served.serves(InetAddress.ofLiteral("192.168.50.7").getAddress()); // true once approved
 * }</pre>
 */
public final class ServedRoutes {
    /** Serves nothing: a node that advertises no routes, or before control approved any. */
    public static final ServedRoutes NONE = new ServedRoutes(List.of(), false, List.of(), List.of());

    /**
     * What an exit node never carries by its default route: tailscale's {@code removeFromDefaultRoute},
     * and IPv6's private ranges as IPv4's are (unique local fc00::/7, the old site-local fec0::/10).
     */
    private static final AddressSet NOT_BY_EXIT = AddressSet.ofPrefixes(List.of("192.168.0.0/16", "172.16.0.0/12",
            "10.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "100.64.0.0/10", "fe80::/10", "ff00::/8", "fd7a:115c:a1e0::/48",
            "fc00::/7", "fec0::/10"));
    /**
     * Never served: the host's own loopback, addresses that name no host, and the cloud's
     * instance metadata service (169.254.169.254 is link-local; fd00:ec2::254 is AWS's IPv6 one),
     * whose credentials a peer must not fetch from the host's side.
     */
    private static final AddressSet NEVER = AddressSet.ofPrefixes(List.of("127.0.0.0/8", "0.0.0.0/8",
            "255.255.255.255/32", "::1/128", "::/128", "169.254.0.0/16", "fe80::/10", "224.0.0.0/4", "ff00::/8", "fd00:ec2::254/128"));
    private static final AddressSet VIA = AddressSet.ofPrefixes(List.of(Via.RANGE.toString()));

    /** The advertised routes but the default ones, matched on raw bytes: every routed packet asks. */
    private final AddressSet subnets;
    private final boolean anySubnet;
    private final boolean exit;
    private final AddressSet hostNetworks;
    private final List<Prefix> approved;

    private ServedRoutes(List<Prefix> subnets, boolean exit, List<Prefix> hostNetworks, List<Prefix> approved) {
        this.subnets = matcher(subnets);
        this.anySubnet = !subnets.isEmpty();
        this.exit = exit;
        this.hostNetworks = matcher(hostNetworks);
        this.approved = List.copyOf(approved);
    }

    /**
     * The routes served by one netmap.
     *
     * @param advertised   what this node offers ({@link AdvertisedRoutes#parse})
     * @param self         this node as control last described it (its {@code AllowedIPs} and
     *                     {@code PrimaryRoutes} say what was approved), or empty before the first netmap
     * @param hostNetworks the prefixes of the host's own interfaces, which the exit route leaves out
     * @return what this node relays now
     */
    public static ServedRoutes of(Collection<Prefix> advertised, Optional<Node> self, List<Prefix> hostNetworks) {
        if (advertised.isEmpty() || self.isEmpty()) {
            return NONE;
        }
        Set<Prefix> listed = new LinkedHashSet<>();
        Node n = self.get();
        for (List<String> list : java.util.Arrays.asList(n.allowedIps(), n.primaryRoutes())) {
            if (list != null) {
                list.forEach(text -> Prefix.parse(text).ifPresent(listed::add));
            }
        }
        List<Prefix> subnets = new ArrayList<>();
        List<Prefix> approved = new ArrayList<>();
        for (Prefix p : advertised) {
            if (!p.isDefault()) {
                subnets.add(p);
            }
            if (listed.contains(p)) {
                approved.add(p);
            }
        }
        return new ServedRoutes(subnets, AdvertisedRoutes.offersExit(advertised), hostNetworks, approved);
    }

    /**
     * Whether a peer's packet to {@code destination} is relayed by this node.
     *
     * @param destination a raw IPv4 or IPv6 address
     * @return true when an advertised route covers it and no rule above keeps it out
     */
    public boolean serves(byte[] destination) {
        if (!anySubnet && !exit || destination.length != 4 && destination.length != 16) {
            return false; // serving nothing is the common case
        }
        if (VIA.contains(destination)) {
            // The tailnet's rules judge the via address itself; the host behind it is checked here.
            return subnets.contains(destination) && Via.hostAllowed(Via.ipv4(address(destination)).orElseThrow());
        }
        if (NEVER.contains(destination)) {
            return false;
        }
        if (subnets.contains(destination)) {
            return true;
        }
        return exit && !NOT_BY_EXIT.contains(destination) && !hostNetworks.contains(destination);
    }

    /** Whether this node offers to be an exit node. */
    public boolean exit() {
        return exit;
    }

    /** The advertised routes the last self node from control lists as approved, for status. */
    public List<Prefix> approved() {
        return approved;
    }

    /** Whether anything is served at all. */
    public boolean any() {
        return exit || anySubnet;
    }

    private static AddressSet matcher(List<Prefix> prefixes) {
        return AddressSet.ofPrefixes(prefixes.stream().map(Prefix::toString).toList());
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + raw.length + " bytes", e);
        }
    }
}
