package io.microlink.dataplane;

import io.microlink.AddressText;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.Node;
import io.microlink.derp.DerpClient;
import io.microlink.dns.ExitDnsForwarder;
import io.microlink.dns.QuadHundredDnsServer;
import io.microlink.dns.HostResolvers;
import io.microlink.dns.UpstreamSockets;
import io.microlink.filter.Firewall;
import io.microlink.filter.PacketFilter;
import io.microlink.filter.Verdict;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.magicsock.Magicsock;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import io.microlink.netmap.PeerExpiry;
import io.microlink.netmon.NetworkMonitor;
import io.microlink.netstack.Headroom;
import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.NetworkOrder;
import io.microlink.netstack.PacketSink;
import io.microlink.netstack.ip.IpHeader;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpProtocol;
import io.microlink.netstack.relay.RelayTarget;
import io.microlink.netstack.relay.SocketBinder;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.tcp.TcpConfig;
import io.microlink.outbound.Dialer;
import io.microlink.peerapi.ExitDnsAccess;
import io.microlink.peerapi.PeerApiServer;
import io.microlink.route.AdvertisedRoutes;
import io.microlink.uplink.BypassMark;
import io.microlink.uplink.Uplinks;
import io.microlink.route.HostNetworks;
import io.microlink.route.Prefix;
import io.microlink.route.RoutePrefs;
import io.microlink.route.RouteTable;
import io.microlink.route.ServedRoutes;
import io.microlink.route.Via;
import io.microlink.tsmp.TsmpReject;
import io.microlink.tsmp.TsmpResponder;
import io.microlink.tun.KernelForwarding;
import io.microlink.tun.PolicyRouting;
import io.microlink.tun.SystemResolver;
import io.microlink.tun.TunInterface;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The node's packet path, and the only place that decides where an inner IP packet goes.
 * It owns magicsock (UDP, DERP, DISCO and the WireGuard engine behind it), the tailnet's
 * packet filter, MagicDNS on quad-100, the userspace netstack and, in TUN mode, the device.
 * Control only hands it netmaps ({@link #follow}); it hands control back what the network
 * side learned through the {@link Magicsock.Reporter}.
 *
 * <pre>
 * inbound:  magicsock → WireGuard (decrypt) → {@link #fromPeer}: TSMP ping answered, quad-100,
 *           else filter → netstack (userspace) or TUN device (the OS)
 * outbound: netstack or TUN device → {@link #sendToPeers} (quad-100's answers to the OS go back
 *           to the device) → filter (remembers the flow) → magicsock → WireGuard (encrypt) → UDP/DERP
 * </pre>
 */
public final class Dataplane implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.dataplane");
    /** How often magicsock re-measures the DERP map (tailscale: about every 20-30 s). */
    private static final Duration NETCHECK_INTERVAL = Duration.ofSeconds(30);
    /** What WireGuard needs around a packet to encrypt it in place, left free by the netstack and the TUN reader. */
    private static final Headroom WIREGUARD_ROOM = new Headroom(Magicsock.PACKET_HEADROOM, Magicsock.PACKET_TAILROOM);
    /** How long the host's /etc/resolv.conf is trusted before an exit node reads it again. */
    private static final Duration HOST_RESOLVERS_MAX_AGE = Duration.ofSeconds(5);

    /**
     * What the packet path is built with, fixed for the node's life.
     *
     * @param udpPort   the UDP port to bind, 0 for the last run's or any
     * @param tunDevice the TUN device to carry the tailnet for the OS, or null for userspace mode
     * @param dnsUpstreams where MagicDNS forwards names the tailnet's DNS config routes nowhere
     * @param routes    which of the peers' routes this node takes (subnet routes, an exit node)
     * @param advertisedRoutes the routes this node offers its peers ({@code AdvertisedRoutes.parse})
     * @param snatSubnetRoutes TUN mode: whether what the kernel forwards to those routes leaves with this
     *                  host's address (masquerade), as tailscaled's {@code --snat-subnet-routes}
     * @param relayTarget where userspace mode carries what peers send to those routes
     * @param dialer    opens DERP connections, through the outbound proxy when there is one
     * @param uplinks   the uplinks magicsock checks and binds its socket to, or null for the default route
     * @param systemResolver TUN mode: where the host's resolver may be pointed at MagicDNS
     *                  ({@code --accept-dns}), or null to leave it alone whatever happens
     */
    public record Settings(int udpPort, DerpClient.Transport derpTransport, SSLContext tls,
                           Set<String> discoAllowlist, String priorityPeer, int maxActivePeers, String tunDevice,
                           List<InetSocketAddress> dnsUpstreams, RoutePrefs routes, List<Prefix> advertisedRoutes,
                           boolean snatSubnetRoutes, RelayTarget relayTarget, Dialer dialer, Uplinks uplinks,
                           SystemResolver.Config systemResolver) {
        public Settings {
            advertisedRoutes = List.copyOf(advertisedRoutes);
        }

        /** How every host socket of the data plane is readied: {@link Uplinks#binderOf}. */
        SocketBinder hostSockets() {
            return Uplinks.binderOf(uplinks, tunDevice != null);
        }
    }

    private final Settings settings;
    private final Supplier<PrivateKey> nodeKey;
    private final Supplier<Netmap> netmap;
    private final Magicsock.Reporter toControl;
    private final QuadHundredDnsServer dns;
    // Before the netstack: its constructor starts the TCP timer thread, which must find these set.
    private final Firewall firewall = new Firewall();
    /** Inbound packets the filter refused, by {@link Verdict}, and those that were not IP: for the node's metrics. */
    private final LongAdder[] filterDrops = newAdders(Verdict.values().length);
    private final LongAdder malformedInbound = new LongAdder();
    /** Which peers' keys have expired, by control's clock: magicsock configures nothing for them. */
    private final PeerExpiry expiry = new PeerExpiry(InstantSource.system());

    /** Packets for the tailnet, from the netstack or the OS: filter, then magicsock; a batch ends with a flush. */
    private final PacketSink toPeers = new PacketSink() {
        @Override
        public void accept(byte[] buf, int off, int len) {
            sendToPeers(buf, off, len);
        }

        @Override
        public void endOfBatch() {
            flush();
        }
    };
    private final Netstack netstack = new Netstack(TcpConfig.defaults(), toPeers, WIREGUARD_ROOM);
    /** What WireGuard decrypted: packets one by one, then the end of each batch that arrived together. */
    final PacketSink fromPeers = new PacketSink() {
        @Override
        public void accept(byte[] buf, int off, int len) {
            fromPeer(buf, off, len);
        }

        @Override
        public void endOfBatch() {
            netstack.endOfBatch();
        }
    };
    /**
     * TUN mode: what the OS sends into the device, in batches; its MagicDNS queries are answered
     * by quad-100 in the netstack, the rest goes to the tailnet when the batch ends.
     */
    private final PacketSink fromOs = new PacketSink() {
        @Override
        public void accept(byte[] buf, int off, int len) {
            if (QuadHundredDnsServer.isAddressedTo(buf, off, len)) {
                netstack.inbound(buf, off, len);
            } else {
                sendToPeers(buf, off, len);
            }
        }

        @Override
        public void endOfBatch() {
            flush();
        }
    };
    /** TUN mode's device; null in userspace mode, where the netstack is this node's host. */
    private volatile TunInterface tun;
    /** TUN mode's firewall rules for forwarding to the advertised routes; null in userspace mode. */
    private KernelForwarding forwarding; // guarded by this
    /** TUN mode's routes into the device for peers' routes (exit node, subnet routes); null in userspace mode. */
    private PolicyRouting policyRouting; // guarded by this
    /** TUN mode: the host's networks as last read, which peers' routes leave on the host's own routes. */
    private volatile List<Prefix> tunHostNetworks = List.of();
    /** TUN mode's hold on the host's resolver; null in userspace mode, with --accept-dns=false or when another manages it. */
    private SystemResolver systemResolver; // guarded by this
    private volatile Magicsock magicsock;
    /** Told which of the node's own TCP connections a rebind stranded ({@link #onStranded}). */
    private volatile Consumer<Predicate<InetAddress>> stranded = s -> { };
    /** The DISCO allowlist now: the configured one until {@link #setDiscoAllowlist} replaces it. */
    private volatile Set<String> discoAllowlist;
    /** The one peers know this node by; set by {@link #resume} before the network side starts. */
    private volatile PrivateKey discoKey;
    /** Where peers reached this node before a restart (peer cache), 0 if unknown. */
    private volatile int previousUdpPort;
    private volatile boolean closed;
    /** This node's tailnet addresses as raw bytes, for packets the netstack sends to itself. */
    private volatile List<byte[]> ownAddresses = List.of();
    /** Where each destination goes, by the last netmap; the same table magicsock gives WireGuard. */
    private volatile RouteTable routes;
    /** What this node relays for its peers by the last netmap: its advertised routes control approved. */
    private volatile ServedRoutes served = ServedRoutes.NONE;
    /** The netmap the packet filter was last built from; with the host's networks, it makes {@link #served}. */
    private volatile Netmap filtered = NetmapUpdater.empty();
    /** Userspace mode's subnet router and exit node: the relay, and what it serves. */
    private final RouteRelay relay;
    /** Reads the networks of the host's interfaces now. */
    private final Supplier<List<Prefix>> hostNetworks;
    /**
     * Tells {@link #relay} and TUN mode's routing when the host's networks may have changed; null
     * unless the exit route is offered or TUN mode may route peers' routes into the device.
     */
    private final NetworkMonitor hostNetworkWatch;
    /** The packet filter installed last, for the peerAPI's check of who may use this exit node's DNS. */
    private volatile PacketFilter currentFilter;
    /** An exit node's DNS for its peers: their queries to the host's resolvers; null unless the exit route is offered. */
    private final ExitDnsForwarder exitDns;
    /** The host's resolvers from before TUN mode wrote the system's resolver file; null while it has not. */
    private volatile List<InetSocketAddress> keptHostResolvers;
    /** The peerAPI serving {@link #exitDns}, from the first netmap with an address of this node; null before or without. */
    private volatile PeerApiServer peerApi;

    /**
     * @param nodeKey   the current node key (it changes when control makes the node rotate it)
     * @param netmap    the current netmap, read by magicsock as it works
     * @param toControl told when the home relay or the endpoints change
     */
    public Dataplane(Settings settings, Supplier<PrivateKey> nodeKey, Supplier<Netmap> netmap,
                     Magicsock.Reporter toControl) {
        this(settings, nodeKey, netmap, toControl, HostNetworks::prefixes);
    }

    /** As the public constructor, with how the host's networks are read given: tests read none of this host's. */
    Dataplane(Settings settings, Supplier<PrivateKey> nodeKey, Supplier<Netmap> netmap, Magicsock.Reporter toControl,
              Supplier<List<Prefix>> hostNetworks) {
        this.settings = settings;
        this.nodeKey = nodeKey;
        this.netmap = netmap;
        this.toControl = toControl;
        this.discoAllowlist = Set.copyOf(settings.discoAllowlist());
        this.dns = new QuadHundredDnsServer(settings.dnsUpstreams());
        this.routes = RouteTable.of(NetmapUpdater.empty(), settings.routes(), n -> true);
        // In TUN mode the netstack gets no replies (the device takes them), so the OS asks every resolver.
        dns.attach(netstack, address -> tun == null && UpstreamSockets.isTailnetAddress(address),
                settings.hostSockets());
        // TCP, UDP and pings a peer sends to a served route end in the netstack (the packet filter
        // let them in by destination) and go on through the settings' target: this host's own
        // sockets, or an embedder's network (the LOPOWER bridge's devices).
        this.relay = new RouteRelay(settings.advertisedRoutes(), netstack, this::relayOwner, settings.relayTarget(),
                hostNetworks);
        this.hostNetworks = hostNetworks;
        RoutePrefs prefs = settings.routes();
        boolean routesIntoTun = settings.tunDevice() != null && (prefs.acceptRoutes() || prefs.exitNode() != null);
        this.hostNetworkWatch = relay.readsHostNetworks() || routesIntoTun
                ? NetworkMonitor.start(change -> hostNetworkChanged()) : null;
        // The user's upstreams stand where tailscale puts the OS's resolvers; else the host's own.
        List<InetSocketAddress> upstreams = settings.dnsUpstreams();
        Supplier<List<InetSocketAddress>> hostFile = HostResolvers.cached(HostResolvers.FILE, HOST_RESOLVERS_MAX_AGE);
        // In TUN mode with the system resolver ours, the file names quad-100: ask the resolvers it named before.
        Supplier<List<InetSocketAddress>> host = () -> {
            List<InetSocketAddress> kept = keptHostResolvers;
            return kept != null ? kept : hostFile.get();
        };
        this.exitDns = !AdvertisedRoutes.offersExit(settings.advertisedRoutes()) ? null : new ExitDnsForwarder(
                upstreams.isEmpty() ? host : () -> upstreams,
                UpstreamSockets.splitBy(netstack, address -> tun == null && UpstreamSockets.isTailnetAddress(address),
                        settings.hostSockets()));
    }

    /**
     * Each peer's relayed connections and flows count against its node, whichever of its addresses
     * it uses, or an address of a route it carries: a tailscaled that serves a 4via6 site dials
     * another site's via address from its own via address (the longer common prefix), and
     * WireGuard let that in only from the peer the route table gives it to.
     */
    private Object relayOwner(InetAddress source) {
        Optional<Node> peer = netmap.get().peerByAddress(AddressText.of(source));
        if (peer.isEmpty() && routes.route(source) instanceof RouteTable.Via via) {
            peer = Optional.of(via.peer());
        }
        return peer.map(Node::id).orElse(null);
    }

    /**
     * Opens TUN mode's device, if one was asked for, before control is reached (so a missing
     * permission shows at once); without one, or if it cannot be opened, the netstack serves.
     */
    public void openTun() {
        if (settings.tunDevice() == null) {
            return;
        }
        TunInterface opened = TunInterface.openOrFallBack(settings.tunDevice(), fromOs, WIREGUARD_ROOM).orElse(null);
        // Peers' packets to the routes pass the filter and go to the device; the kernel takes them on.
        // Without routes this still clears rules a killed run with routes left for the device. 4via6
        // routes are the relay's (fromPeer hands their packets to the netstack): the kernel forwards none.
        KernelForwarding rules = opened == null ? null : KernelForwarding.enable(opened.name(),
                settings.snatSubnetRoutes(), settings.advertisedRoutes().stream().filter(r -> !Via.isVia(r)).toList());
        // Nothing of peers' routes is used before a netmap says so; this clears what a killed run left routed.
        PolicyRouting policy = opened == null ? null : PolicyRouting.start(opened.name(), opened.ipv6());
        if (opened != null) {
            tunHostNetworks = List.copyOf(hostNetworks.get());
        }
        // Userspace mode never touches the host's resolver; TUN mode also undoes a killed run's change here.
        SystemResolver resolver = opened == null || settings.systemResolver() == null ? null
                : SystemResolver.start(settings.systemResolver());
        if (resolver != null && settings.dnsUpstreams().isEmpty()) {
            dns.hostResolvers(resolver.hostResolvers()); // never the file we write: quad-100 must not ask itself
            keptHostResolvers = resolver.hostResolvers();
        }
        synchronized (this) {
            tun = opened;
            forwarding = rules;
            policyRouting = policy;
            systemResolver = resolver;
        }
        if (closed) {
            closeTun(); // close() came while the device was opening
        }
    }

    /** What the last run left: the disco key peers know us by and the UDP port they reached us on (0: none). */
    public void resume(PrivateKey discoKey, int previousUdpPort) {
        this.discoKey = discoKey;
        this.previousUdpPort = previousUdpPort;
    }

    /**
     * Takes a new netmap: the node's own addresses (netstack, TUN), the packet filter and MagicDNS
     * follow it; the network side starts with the first DERP map and re-measures when it changes.
     */
    public void follow(Netmap previous, Netmap next) {
        Optional<Instant> controlTime = next.controlTime();
        if (controlTime.isPresent() && !controlTime.equals(previous.controlTime())) {
            expiry.controlTime(controlTime.get()); // fresh from control: how far our clock is off
        }
        followAddresses(next);
        relay.peersChanged(previous, next); // after the filter, so a peer that left opens nothing new
        followRoutes(next);
        dns.update(next, routes.exitNode()); // after the routes: names may go to the exit node
        followSystemResolver(next);
        followNetwork(previous, next);
    }

    /** TUN mode: the host's resolver names quad-100 and the tailnet's search domains while the netmap gives DNS settings. */
    private synchronized void followSystemResolver(Netmap next) {
        if (systemResolver != null && !closed) {
            systemResolver.follow(next.dns().orElse(null));
        }
    }

    /**
     * The network changed: the exit route's exclusion of the host's own networks follows it, and
     * so do TUN mode's routes, which leave the host's networks on its own routes.
     */
    void hostNetworkChanged() {
        if (relay.rereadHostNetworks()) {
            installFilter();
        }
        if (tun != null) {
            List<Prefix> now = List.copyOf(hostNetworks.get());
            if (!Set.copyOf(now).equals(Set.copyOf(tunHostNetworks))) {
                tunHostNetworks = now;
                followPolicyRouting(routes);
            }
        }
    }

    /**
     * Builds the packet filter from the last netmap and what is served now. Both the netmap and
     * the network change it, on their own threads: one at a time, each with the other's latest.
     */
    private synchronized void installFilter() {
        Netmap n = filtered;
        served = relay.served(n.self());
        PacketFilter f = PacketFilter.from(n, served);
        currentFilter = f;
        firewall.install(f);
    }

    /**
     * An exit node's peerAPI starts with the first address it can take its port from (the IPv4
     * one when there is one, as tailscale's); its services then go into Hostinfo.
     */
    private void startPeerApi(List<InetAddress> own) {
        if (exitDns == null || peerApi != null || own.isEmpty() || closed) {
            return;
        }
        InetAddress first = own.stream().filter(a -> a.getAddress().length == 4).findFirst().orElse(own.getFirst());
        try {
            peerApi = PeerApiServer.start(netstack, first, a -> isOwn(a.getAddress()),
                    peer -> ExitDnsAccess.allows(filtered, currentFilter, true, peer), exitDns);
            LOG.log(Level.INFO, "answering DNS for the peers that use this exit node on peerAPI port {0}",
                    peerApi.port());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot listen for the peerAPI, so peers using this exit node get no DNS from it: "
                    + e.getMessage());
        }
    }

    private boolean isOwn(byte[] address) {
        for (byte[] own : ownAddresses) {
            if (Arrays.equals(own, address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The services this node offers its peers, for Hostinfo: while its peerAPI serves, the
     * peerAPI's port on each address family it has ({@code peerapi4}, {@code peerapi6}) and
     * {@code peerapi-dns-proxy} (version 1), which tells peers using it as exit node to send it
     * their DNS; empty otherwise.
     */
    public List<Hostinfo.Service> services() {
        PeerApiServer api = peerApi;
        if (api == null) {
            return List.of();
        }
        List<Hostinfo.Service> out = new ArrayList<>();
        if (ownAddresses.stream().anyMatch(a -> a.length == 4)) {
            out.add(new Hostinfo.Service("peerapi4", api.port()));
        }
        if (ownAddresses.stream().anyMatch(a -> a.length == 16)) {
            out.add(new Hostinfo.Service("peerapi6", api.port()));
        }
        out.add(new Hostinfo.Service("peerapi-dns-proxy", 1));
        return out;
    }

    /**
     * Whether {@code p} is TCP to this node's peerAPI port on one of its addresses. tailscaled lets
     * those past its packet filter (and into its netstack in TUN mode): the peerAPI checks who asks.
     */
    private boolean isForPeerApi(IpPacket p) {
        PeerApiServer api = peerApi;
        if (api == null || p.protocol() != IpProtocol.TCP || p.fragmentOffset() != 0 || p.payloadLength() < 4
                || !isOwn(p.destination())) {
            return false;
        }
        return NetworkOrder.u16(p.buffer(), p.payloadOffset() + 2) == api.port();
    }

    private void followRoutes(Netmap next) {
        RouteTable table = RouteTable.of(next, settings.routes(), n -> !expiry.expired(n));
        String problem = table.exitNodeProblem().orElse(null);
        if (problem != null && !problem.equals(routes.exitNodeProblem().orElse(null))) {
            LOG.log(Level.WARNING, problem);
        }
        routes = table;
        followPolicyRouting(table);
    }

    /**
     * TUN mode: the host's default routes go to the device while the exit node is usable, and the
     * accepted subnet routes while a peer is their primary router; each comes back when not.
     */
    private synchronized void followPolicyRouting(RouteTable table) {
        if (policyRouting == null || closed) {
            return;
        }
        policyRouting.follow(new PolicyRouting.Use(table.exitNode().isPresent(), settings.routes().allowLanAccess(),
                table.acceptedSubnetRoutes(), tunHostNetworks), BypassMark.working());
    }

    /**
     * How this node's sockets reach {@code destination} by the last netmap: through a peer (its
     * tailnet address, an accepted subnet route or the exit node), the host's LAN, or not at all.
     */
    public RouteTable.Route route(InetAddress destination) {
        return routes.route(destination);
    }

    /**
     * What the host lacks for this node to work as asked, one line each (tailscaled's health
     * warnings): in TUN mode with advertised routes, IP forwarding off.
     */
    public synchronized List<String> healthWarnings() {
        return forwarding == null ? List.of() : forwarding.warnings();
    }

    /** The routes this node offers, as control is told them. */
    public List<Prefix> advertisedRoutes() {
        return settings.advertisedRoutes();
    }

    /** What this node relays for its peers by the last netmap (its approved routes). */
    public ServedRoutes servedRoutes() {
        return served;
    }

    /** The relay's counters (connections, flows, refusals by name), empty when nothing is advertised. */
    public Map<String, Long> relayCounters() {
        return relay.counters();
    }

    /** The routing table of the last netmap, for status: the exit node in use, or why not. */
    public RouteTable routes() {
        return routes;
    }

    private void followAddresses(Netmap next) {
        if (closed) {
            return;
        }
        List<InetAddress> own = new ArrayList<>();
        for (String prefix : next.self().map(Node::addresses).orElse(List.of())) {
            try {
                // A literal only: an address from control must never become a DNS lookup.
                own.add(InetAddress.ofLiteral(prefix.contains("/") ? prefix.substring(0, prefix.indexOf('/')) : prefix));
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "control sent an unusable address for this node: " + prefix);
            }
        }
        netstack.setAddresses(own);
        ownAddresses = own.stream().map(InetAddress::getAddress).toList();
        TunInterface t = tun;
        if (t != null) {
            t.setAddresses(own);
        }
        filtered = next;
        installFilter();
        startPeerApi(own);
    }

    private synchronized void followNetwork(Netmap previous, Netmap next) {
        if (next.derpMap().isEmpty() || closed) {
            return;
        }
        Magicsock m = magicsock;
        if (m != null) {
            m.updatePeers(next);
            if (!next.derpMap().equals(previous.derpMap())) {
                m.kick();
            }
            return;
        }
        try {
            magicsock = startMagicsock();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot bind UDP port " + settings.udpPort() + "; peers cannot reach this node: "
                    + e.getMessage());
        }
    }

    /**
     * Binds the configured UDP port; with none configured, first the one peers knew this node
     * at before a restart, so they reach it at once, then any free one.
     */
    private Magicsock startMagicsock() throws IOException {
        if (settings.udpPort() == 0 && previousUdpPort != 0) {
            try {
                return startMagicsock(previousUdpPort);
            } catch (SocketException taken) {
                LOG.log(Level.DEBUG, "UDP port {0} of the last run is taken; binding another", previousUdpPort);
            }
        }
        return startMagicsock(settings.udpPort());
    }

    private Magicsock startMagicsock(int port) throws IOException {
        Magicsock m = Magicsock.start(new Magicsock.Settings(port, settings.derpTransport(), settings.tls(),
                NETCHECK_INTERVAL, discoAllowlist, settings.priorityPeer(), settings.maxActivePeers(),
                settings.routes(), settings.dialer(), settings.uplinks(),
                settings.hostSockets()), discoKey,
                nodeKey, netmap, expiry, toControl, fromPeers);
        m.onStranded(s -> stranded.accept(s));
        m.onPathsMoved(netstack::pathChanged);
        return m;
    }

    /**
     * Tells {@code listener} at each rebind which of the node's own TCP connections went out a
     * way the network change closed ({@link Magicsock#onStranded}); the control loop closes its
     * connection then. One listener: a second replaces the first.
     *
     * @param listener given a test of a connection's local address
     */
    public void onStranded(Consumer<Predicate<InetAddress>> listener) {
        stranded = listener;
    }

    /**
     * An inner packet from a peer. TSMP pings are answered ahead of the tailnet's packet
     * filter, as tailscale does, so they work whatever the ACLs say; everything else must pass
     * the filter. A denied IPv4 TCP SYN is answered with a TSMP rejection, so the peer's connect
     * fails at once instead of timing out. Quad-100 is this host's own resolver, as in tailscale,
     * where only packets leaving the host reach it: a peer's packet to it is dropped, or any peer
     * could use this node's upstream resolvers (even one on its loopback) as an open resolver.
     */
    private void fromPeer(byte[] buf, int off, int len) {
        Optional<byte[]> pong = TsmpResponder.pong(buf, off, len);
        if (pong.isPresent()) {
            sendToPeers(pong.get(), 0, pong.get().length); // leaves with the batch's other answers
            return;
        }
        if (QuadHundredDnsServer.isAddressedTo(buf, off, len)) {
            LOG.log(Level.DEBUG, "dropped a peer's packet to quad-100, which serves this host only");
            return;
        }
        IpPacket packet;
        try {
            packet = IpPacket.parse(buf, off, len); // once, for the filter and the netstack both
        } catch (MalformedPacketException e) {
            malformedInbound.increment();
            LOG.log(Level.DEBUG, "dropped a malformed inbound packet: {0}", e.getMessage());
            return;
        }
        Verdict verdict = firewall.inbound(packet);
        boolean peerApiPacket = isForPeerApi(packet);
        if (verdict.accepted() || peerApiPacket) {
            TunInterface t = tun;
            // The kernel cannot translate a 4via6 address to the IPv4 host behind it: the relay does, in both modes.
            if (t != null && !peerApiPacket && !Via.contains(packet.destination())) {
                t.write(buf, off, len);
            } else {
                netstack.inboundOfBatch(packet, true); // WireGuard authenticated it: no TCP checksum check
            }
            return;
        }
        filterDrops[verdict.ordinal()].increment();
        LOG.log(Level.DEBUG, "packet filter dropped an inbound packet: {0}", verdict);
        TsmpReject.forDroppedSyn(buf, off, len).ifPresent(reject -> {
            sendToPeers(reject, 0, reject.length);
            flush();
        });
    }

    /**
     * An inner packet for the tailnet, possibly one of a burst that {@link #flush} ends; dropped
     * while the network side is not up yet, as on a link that is down. WireGuard may encrypt it
     * in place.
     */
    private void sendToPeers(byte[] buf, int off, int len) {
        TunInterface t = tun;
        if (t != null && t.isAddressedToOs(buf, off, len)) {
            t.write(buf, off, len); // quad-100 answering the OS
            return;
        }
        if (t == null && isForThisNode(buf, off, len)) {
            // The node's own sockets asking quad-100, and its answers: no peer would carry them.
            netstack.inbound(buf, off, len);
            return;
        }
        firewall.outbound(buf, off, len); // lets the replies to our UDP back in
        Magicsock m = magicsock;
        if (m != null) {
            m.accept(buf, off, len);
        }
    }

    /**
     * Userspace mode: whether the netstack sent this UDP packet to quad-100 or to one of this
     * node's own addresses. UDP only: TCP segments leave with the stack's lock held, and one fed
     * straight back would re-enter the TCP state machine in the middle of its work.
     */
    private boolean isForThisNode(byte[] buf, int off, int len) {
        if (IpHeader.protocol(buf, off, len) != IpProtocol.UDP) {
            return false;
        }
        if (QuadHundredDnsServer.isAddressedTo(buf, off, len)) {
            return true;
        }
        for (byte[] own : ownAddresses) {
            if (IpHeader.destinationIs(buf, off, len, own)) {
                return true;
            }
        }
        return false;
    }

    private void flush() {
        Magicsock m = magicsock;
        if (m != null) {
            m.endOfBatch();
        }
    }

    /** This node's MagicDNS server on quad-100. */
    QuadHundredDnsServer dns() {
        return dns;
    }

    /** The subnet router's and exit node's relay. */
    RouteRelay routeRelay() {
        return relay;
    }

    /** The userspace TCP/IP stack: this node's sockets in userspace mode, quad-100 in both modes. */
    public Netstack netstack() {
        return netstack;
    }

    /** The network side, or null until the first DERP map arrived. */
    /**
     * What the packet path dropped so far, by reason, non-zero counts only: magicsock's (the
     * WireGuard engine's refusals, UDP and DERP inputs whose handling threw), the packet filter's
     * ({@code filter_} and the verdict), inner packets that were not IP, and TCP connections the
     * userspace stack refused or reset for its buffer budget. For the node's metrics.
     */
    public Map<String, Long> drops() {
        Map<String, Long> out = new TreeMap<>();
        Magicsock m = magicsock;
        if (m != null) {
            m.droppedInputs().forEach((reason, n) -> {
                if (n != 0) {
                    out.put(reason, n);
                }
            });
        }
        for (Verdict v : Verdict.values()) {
            long n = filterDrops[v.ordinal()].sum();
            if (n != 0) {
                out.put("filter_" + v.name().toLowerCase(Locale.ROOT), n);
            }
        }
        if (malformedInbound.sum() != 0) {
            out.put("inner_malformed", malformedInbound.sum());
        }
        long tcpRefused = netstack.tcpBufferRefusals();
        if (tcpRefused != 0) {
            out.put("tcp_buffer_refused", tcpRefused);
        }
        PeerApiServer api = peerApi;
        if (api != null && api.denied() != 0) {
            out.put("peerapi_dns_denied", api.denied());
        }
        if (api != null && api.connectionsRefused() != 0) {
            out.put("peerapi_connections_refused", api.connectionsRefused());
        }
        relayCounters().forEach((event, n) -> {
            if (event.startsWith("refused") || event.endsWith("failed")) {
                out.put("relay_" + event, n);
            }
        });
        return out;
    }

    private static LongAdder[] newAdders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    public Magicsock magicsock() {
        return magicsock;
    }

    /** The TUN device carrying the tailnet for the OS, or null in userspace mode. */
    public String tunName() {
        TunInterface t = tun;
        return t == null ? null : t.name();
    }

    /** The UDP port peers reach us on, or 0 before the network side started. */
    public int udpPort() {
        Magicsock m = magicsock;
        return m == null ? 0 : m.port();
    }

    /** Bytes each peer has sent this node so far, by node key: which peers are in use. */
    public Map<PublicKey, Long> receivedBytes() {
        Magicsock m = magicsock;
        return m == null ? Map.of() : m.receivedBytes();
    }

    public Set<String> discoAllowlist() {
        return discoAllowlist;
    }

    /** Takes effect at once on a running magicsock, and on the one the first DERP map starts. */
    public synchronized void setDiscoAllowlist(Set<String> peers) {
        discoAllowlist = Set.copyOf(peers);
        Magicsock m = magicsock;
        if (m != null) {
            m.setDiscoAllowlist(discoAllowlist);
        }
    }

    /**
     * Stops the network side, the netstack and the device. Safe to call again: a device that
     * was still opening during the first call is closed by the second.
     */
    @Override
    public void close() {
        Magicsock m;
        boolean first;
        synchronized (this) {
            first = !closed;
            closed = true;
            m = magicsock;
        }
        if (first) {
            if (m != null) {
                m.close();
            }
            if (hostNetworkWatch != null) {
                hostNetworkWatch.close();
            }
            relay.close();
            PeerApiServer api = peerApi;
            if (api != null) {
                api.close();
            }
            netstack.close();
        }
        closeTun();
    }

    /** Removes the forwarding rules, closes the device and forgets it, so nothing writes to it or reports it afterwards. */
    private synchronized void closeTun() {
        if (systemResolver != null) {
            systemResolver.close();
            systemResolver = null;
        }
        if (policyRouting != null) {
            policyRouting.close();
            policyRouting = null;
        }
        if (forwarding != null) {
            forwarding.close();
            forwarding = null;
        }
        TunInterface t = tun;
        tun = null;
        if (t != null) {
            t.close();
        }
    }
}
