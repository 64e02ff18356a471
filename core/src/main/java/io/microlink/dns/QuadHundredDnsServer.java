package io.microlink.dns;

import io.microlink.netstack.relay.SocketBinder;
import io.microlink.control.wire.DnsConfig;
import io.microlink.control.wire.Node;
import io.microlink.netmap.Netmap;
import io.microlink.netstack.ip.IpHeader;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.udp.UdpDatagram;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * MagicDNS at 100.100.100.100 and fd7a:115c:a1e0::53, port 53 over UDP, inside the netstack
 * (a {@link MagicDnsServer} on the quad-100 addresses):
 * tailnet names are answered from the current netmap; other names go through a
 * {@link DnsForwarder} to the tailnet's resolvers (split-DNS routes, then {@code Resolvers}),
 * else to the upstreams the user configured, else to control's {@code FallbackResolvers}
 * (plain {@code ip} or {@code ip:port} ones; DNS-over-HTTPS resolvers are not supported yet).
 * With an exit node in use that answers DNS ({@link ExitNodeDoh}), names the tailnet's
 * {@code Resolvers} do not cover go to it over DNS-over-HTTP through the tailnet instead of the
 * user's upstreams; an exit node that does not is said once in the log, and the names go where they went before.
 * Resolvers on tailnet addresses are asked through the tailnet when the predicate given to
 * {@link #attach(Netstack, Predicate)} says so, the others through the host's sockets.
 *
 * <pre>{@code
 * QuadHundredDnsServer dns = new QuadHundredDnsServer(List.of(new InetSocketAddress("192.0.2.53", 53)));
 * dns.attach(netstack, UpstreamSockets::isTailnetAddress, SocketBinder.DEFAULT_ROUTE);
 * dns.update(netmap, routes.exitNode()); // on every netmap
 * }</pre>
 */
public final class QuadHundredDnsServer implements Netstack.UdpService {
    public static final int PORT = MagicDnsServer.PORT;
    private static final System.Logger LOG = System.getLogger("io.microlink.dns");
    /** Queries forwarded to upstream resolvers at once: a flood of queries for names nobody answers stops here. */
    static final int MAX_FORWARDS_IN_FLIGHT = DnsForwarder.Limits.DEFAULT.maxOutstanding();

    private final List<DnsConfig.Resolver> userUpstreams;
    /** TUN mode's host resolvers from before the node took the system's resolver over; used when the user gave none. */
    private volatile List<DnsConfig.Resolver> hostUpstreams = List.of();
    /** The netmap to answer from, and when it came. */
    private volatile Zone zone;
    /** The resolver of {@link #zone}, made at the first query after it changed. */
    private volatile Made made;
    private volatile MagicDnsServer server;
    /** The exit node last said to answer no DNS, so that it is said once. */
    private volatile String exitNodeWithoutDns;

    /** A server that forwards only to the tailnet's resolvers. */
    public QuadHundredDnsServer() {
        this(List.of());
    }

    /** @param userUpstreams where names the tailnet's DNS config routes nowhere go, before its fallback resolvers */
    public QuadHundredDnsServer(List<InetSocketAddress> userUpstreams) {
        this.userUpstreams = resolvers(userUpstreams);
    }

    /** Socket addresses as the DNS config's resolver entries, which {@link MagicDnsResolver} routes by. */
    static List<DnsConfig.Resolver> resolvers(List<InetSocketAddress> upstreams) {
        return upstreams.stream().map(a -> new DnsConfig.Resolver(
                "[" + io.microlink.AddressText.of(a.getAddress()) + "]:" + a.getPort())).toList();
    }

    /** The quad-100 addresses, which peers' MagicDNS settings point at. */
    public static List<InetAddress> addresses() {
        try {
            return List.of(InetAddress.getByName("100.100.100.100"), InetAddress.getByName("fd7a:115c:a1e0::53"));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final byte[] QUAD_100_V4 = {100, 100, 100, 100};
    private static final byte[] QUAD_100_V6 = addresses().get(1).getAddress();

    /** Whether an IP packet is addressed to quad-100, judged from its header alone (the packet filter is not for it). */
    public static boolean isAddressedTo(byte[] packet, int off, int len) {
        return IpHeader.destinationIs(packet, off, len, QUAD_100_V4) || IpHeader.destinationIs(packet, off, len, QUAD_100_V6);
    }

    /** Serves on {@code stack}, asking resolvers on tailnet addresses through it. */
    public void attach(Netstack stack) {
        attach(stack, UpstreamSockets::isTailnetAddress, SocketBinder.DEFAULT_ROUTE);
    }

    /**
     * Serves on {@code stack}; upstream resolvers whose address {@code viaNetstack} accepts are
     * asked through it (the tailnet), the rest through the host's sockets readied by
     * {@code binder} (bound to the node's active uplink).
     */
    public void attach(Netstack stack, Predicate<InetAddress> viaNetstack, SocketBinder binder) {
        UpstreamSockets sockets = UpstreamSockets.withExitNodeDoh(stack, () -> zone == null ? Optional.empty()
                : zone.exitNodeDoh(), UpstreamSockets.splitBy(stack, viaNetstack, binder));
        server = new MagicDnsServer(this::resolver, sockets, Set.copyOf(addresses()));
        addresses().forEach(a -> stack.addUdpService(a, PORT, this));
    }

    /**
     * The resolvers the host used before TUN mode pointed it at quad-100: where names the
     * tailnet's DNS config routes nowhere go when the user gave no upstreams, as tailscaled
     * forwards them to the OS's own resolvers.
     */
    public void hostResolvers(List<InetSocketAddress> resolvers) {
        hostUpstreams = resolvers(resolvers);
        made = null;
    }

    /** Answers from this netmap from now on, with no exit node. */
    public void update(Netmap netmap) {
        update(netmap, Optional.empty());
    }

    /** Answers from this netmap from now on; names nobody else resolves go to {@code exitNode} if it answers DNS. */
    public void update(Netmap netmap, Optional<Node> exitNode) {
        boolean selfHasIpv4 = netmap.self().map(Node::addresses).orElse(List.of()).stream()
                .anyMatch(a -> a.indexOf(':') < 0);
        Optional<InetSocketAddress> doh = exitNode.flatMap(n -> ExitNodeDoh.endpoint(n, selfHasIpv4));
        String without = exitNode.filter(n -> doh.isEmpty()).map(Node::name).orElse(null);
        if (without != null && !without.equals(exitNodeWithoutDns)) {
            LOG.log(System.Logger.Level.INFO, "exit node " + without + " offers no DNS (peerapi-dns-proxy): names outside"
                    + " the tailnet are resolved as without an exit node");
        }
        exitNodeWithoutDns = without;
        zone = new Zone(netmap, Instant.now(), doh);
    }

    private record Zone(Netmap netmap, Instant changed, Optional<InetSocketAddress> exitNodeDoh) {}

    private record Made(Zone from, MagicDnsResolver resolver) {}

    /**
     * The resolver of the current netmap, or null before one. Its name tables (a few hundred
     * bytes a peer) are made when a query needs them, not for every netmap: with thousands of
     * peers, most netmaps come and go without a query in between, and a node nobody asks holds
     * no second copy of its peers' names. Two queries racing after a change may both make it.
     */
    private MagicDnsResolver resolver() {
        Zone z = zone;
        if (z == null) {
            return null;
        }
        Made m = made;
        if (m == null || m.from() != z) {
            m = new Made(z, MagicDnsResolver.of(z.netmap(), z.changed(),
                    userUpstreams.isEmpty() ? hostUpstreams : userUpstreams, z.exitNodeDoh()));
            made = m;
        }
        return m.resolver();
    }

    /** Answers one query; one whose handling throws is dropped and counted, never thrown into the caller's receive path. */
    @Override
    public void handle(Netstack stack, IpPacket packet, UdpDatagram datagram) {
        server.handle(stack, packet, datagram);
    }

    /** Queries that reached this server, answered or not. */
    public long queries() {
        MagicDnsServer s = server;
        return s == null ? 0 : s.queries();
    }

    /** Queries dropped because handling them threw. */
    long dropped() {
        return server.dropped();
    }

    /** Queries not forwarded because as many as allowed were in flight already. */
    long forwardsRefused() {
        return server.forwardsRefused();
    }
}
