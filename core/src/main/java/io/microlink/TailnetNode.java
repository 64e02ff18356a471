package io.microlink;

import io.microlink.control.ControlClient;
import io.microlink.control.wire.Node;
import io.microlink.dataplane.Dataplane;
import io.microlink.derp.DerpClient;
import io.microlink.dns.MagicDnsHosts;
import io.microlink.dns.NodeDns;
import io.microlink.dns.NodeNameLookup;
import io.microlink.magicsock.Magicsock;
import io.microlink.netstack.relay.OsRelayTarget;
import io.microlink.netstack.relay.RelayTarget;
import io.microlink.netstack.relay.SocketBinder;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import io.microlink.netstack.socket.TailnetSocketFactory;
import io.microlink.key.PublicKey;
import io.microlink.netcheck.NetcheckReport;
import io.microlink.netmap.Netmap;
import io.microlink.route.AdvertisedRoutes;
import io.microlink.outbound.Dialer;
import io.microlink.uplink.Uplinks;
import io.microlink.outbound.ProxyRules;
import io.microlink.route.HostNetworks;
import io.microlink.route.Prefix;
import io.microlink.route.RoutePrefs;
import io.microlink.route.RouteTable;
import io.microlink.state.PeerCache;
import io.microlink.state.NodeFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * A tailnet node in this JVM: it registers with a control server (Tailscale or headscale)
 * and follows the tailnet's netmap. Build it, add listeners, {@link #start()} it, and
 * {@link #close()} it when done.
 *
 * <pre>{@code
 * try (TailnetNode node = TailnetNode.builder()
 *         .controlUrl("https://headscale.example.com")
 *         .authKey(System.getenv("TS_AUTHKEY"))
 *         .hostname("sensor-1")
 *         .stateDirectory(Path.of("/var/lib/sensor/microlink"))
 *         .build()) {
 *     node.addListener(new NodeListener() {
 *         public void stateChanged(NodeState s, String detail) { System.out.println(s + " " + detail); }
 *     });
 *     node.start();
 *     ...
 * }
 * }</pre>
 */
public final class TailnetNode implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int DEFAULT_MAX_ACTIVE_PEERS = 1024;
    /** More would never be asked: the forwarder tries the first three of a route. */
    public static final int MAX_DNS_UPSTREAMS = 8;
    private static final int DEFAULT_BACKLOG = 128;
    /** What {@link #icmpPing} carries: 56 bytes, as the system's ping sends by default. */
    private static final byte[] ICMP_PING_DATA = new byte[56];
    /** How long a name outside the tailnet may take through the node's DNS: two forwarding attempts of 2 s. */
    private static final Duration EXIT_LOOKUP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration NETCHECK_POLL = Duration.ofMillis(50);

    static {
        // The LOPOWER bridge serves its devices this node's MagicDNS (io.microlink.dns.NodeDns
        // says why through this hook rather than public methods).
        NodeDns.install(new NodeDns.Access() {
            @Override
            public Netmap netmap(TailnetNode node) {
                return node.loop.netmap();
            }

            @Override
            public Netstack netstack(TailnetNode node) {
                return node.userspaceStack();
            }

            @Override
            public SocketBinder hostSockets(TailnetNode node) {
                return node.config.hostSockets();
            }
        });
    }

    private final NodeConfig config;
    private final NodeListeners listeners = new NodeListeners();
    private final ControlLoop loop;
    private Thread thread;

    private TailnetNode(NodeConfig config) {
        this.config = config;
        this.loop = new ControlLoop(config, new LoopListener() {
            @Override
            public void stateChanged(NodeState state, String detail) {
                listeners.each(l -> l.stateChanged(state, detail));
            }

            @Override
            public void netmapChanged(Netmap netmap) {
                TailnetMap tailnet = new TailnetMap(netmap);
                listeners.each(l -> l.tailnetChanged(tailnet));
            }

            @Override
            public void peerChanged(io.microlink.netmap.PeerUpdate event) {
                // A first map of thousands of peers is as many events: make their Peers only when someone listens.
                if (!listeners.isEmpty()) {
                    PeerEvent e = tailnet().event(event); // the loop holds the new netmap before it reports
                    listeners.each(l -> l.peerChanged(e));
                }
            }

            @Override
            public void loginUrl(String url) {
                listeners.each(l -> l.loginUrl(url));
            }
        });
        if (config.uplinks() != null) {
            config.uplinks().onSwitch(s -> listeners.each(l -> l.uplinkSwitched(s.from(), s.to(), s.reason())));
        }
    }

    /**
     * The node's uplinks ({@link Builder#uplinks}) in priority order: each one's health and
     * which carries traffic now. Empty when the node follows the default route.
     *
     * @return the uplinks
     */
    public List<UplinkStatus> uplinks() {
        return config.uplinks() == null ? List.of() : config.uplinks().statuses();
    }

    /**
     * Starts the settings of a new node.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds a listener for state, tailnet and peer changes; add listeners before {@link #start()} to miss nothing.
     *
     * @param listener the listener
     */
    public void addListener(NodeListener listener) {
        listeners.add(listener);
    }

    /** Starts talking to control on a background thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("node already started");
        }
        thread = Thread.ofVirtual().name("microlink-control-" + config.hostname()).start(loop);
    }

    /**
     * Where the node is in its life: starting, needing a login, running, stopped.
     *
     * @return the current state
     */
    public NodeState state() {
        return loop.state();
    }

    /**
     * Human-readable detail of the current state, e.g. the login URL or the last error.
     *
     * @return the detail, possibly empty
     */
    public String stateDetail() {
        return loop.detail();
    }

    /**
     * The tailnet as control last described it: this node, its peers and the relays, as an
     * immutable snapshot that never changes under its reader. Empty until the first map
     * arrives, or until then the peer cache's provisional one (this node's addresses, the
     * relays and the recently used peers).
     *
     * <pre>{@code
     * TailnetMap tailnet = node.tailnet();
     * tailnet.self().ifPresent(me -> System.out.println("I am " + me.fqdn()));
     * for (Peer p : tailnet.peers()) {
     *     System.out.println(p.shortName() + (p.online().orElse(false) ? " online" : " offline"));
     * }
     * Peer laptop = tailnet.find("laptop").orElseThrow();
     * }</pre>
     *
     * @return the current snapshot
     */
    public TailnetMap tailnet() {
        return new TailnetMap(loop.netmap());
    }

    /**
     * This node's current WireGuard/DERP public key, or null before start.
     *
     * @return the node key, or null
     */
    public PublicKey nodeKey() {
        return loop.nodeKey();
    }

    /**
     * Pings a peer with DISCO, like {@code tailscale ping}: through the relay, and with
     * {@link PingPath#ANY} also directly; the answer tells the path and the latency.
     *
     * <pre>{@code
     * PingResult r = node.ping("laptop", PingPath.ANY, Duration.ofSeconds(5));
     * System.out.println("pong via " + r.path() + " in " + r.latency().toMillis() + " ms");
     * }</pre>
     *
     * @param path {@link PingPath#DERP} for the relay only, {@link PingPath#ANY} for the first answer on any path
     * @param timeout how long to wait for the answer
     * @param peer a peer's short name, FQDN, tailnet address or node key, as {@link TailnetMap#find} takes them
     * @return the path and round-trip time of the answer
     * @throws IllegalArgumentException for a peer the netmap does not know
     * @throws IllegalStateException before the node is connected
     * @throws TimeoutException if the peer did not answer in time
     * @throws IOException if the ping could not be sent
     */
    public PingResult ping(String peer, PingPath path, Duration timeout) throws IOException, TimeoutException {
        Node target = tailnet().node(peer)
                .orElseThrow(() -> new IllegalArgumentException("no peer named " + peer + " in the netmap"));
        Magicsock m = loop.dataplane().magicsock();
        if (m == null) {
            throw new IllegalStateException("node is not connected yet (state " + state() + ")");
        }
        return m.ping(target, path, timeout);
    }

    /**
     * Opens a TCP connection to a tailnet host, like {@code new Socket(host, port)} but through
     * the tailnet, with no root and no TUN device. The wait covers the WireGuard handshake too.
     *
     * <pre>{@code
     * try (TailnetSocket s = node.dial("db-server", 5432, Duration.ofSeconds(10))) {
     *     s.getOutputStream().write(request);
     * }
     * }</pre>
     *
     * @param port the TCP port
     * @param timeout how long to wait for the connection
     * @param host a peer's short name, FQDN (MagicDNS) or an IP literal the node routes (a tailnet
     *             address; one in an accepted subnet route; with an exit node any, and any name,
     *             which the node's own DNS resolves: through the exit node's DNS when it offers it)
     * @return the connected socket
     * @throws UnknownHostException if the netmap knows no such name and no exit node is used, or
     *             with one the node's DNS has no address for it
     * @throws java.net.NoRouteToHostException if no peer carries the address, saying why
     * @throws java.net.ConnectException if the peer refused the connection
     * @throws java.net.SocketTimeoutException if it did not answer within {@code timeout}
     * @throws IllegalStateException in TUN mode, where the OS's own sockets reach the tailnet
     */
    public TailnetSocket dial(String host, int port, Duration timeout) throws IOException {
        InetAddress address = dialAddress(host);
        checkRoute(address);
        return userspaceStack().connect(address, port, timeout.toMillis());
    }

    /**
     * The address to dial: a tailnet name's from the netmap; with an exit node in use, a name
     * outside the tailnet from this node's own DNS (quad-100, which sends it to the exit node's DNS
     * when the exit node offers it, as tailscale does), never the host's resolver: the connection
     * goes through the exit node, and so does the lookup.
     */
    private InetAddress dialAddress(String host) throws IOException {
        try {
            return resolve(host).getFirst();
        } catch (UnknownHostException notInTailnet) {
            if (loop.dataplane().routes().exitNode().isEmpty()) {
                throw notInTailnet;
            }
            try (TailnetDatagramSocket socket = userspaceStack().bindUdp(0)) {
                return NodeNameLookup.lookup(socket, host, EXIT_LOOKUP_TIMEOUT).getFirst();
            } catch (IllegalArgumentException notAName) {
                throw new UnknownHostException(host + " is not a DNS name");
            }
        }
    }

    /**
     * Refuses, with the reason, a destination no peer carries: outside the tailnet with no
     * accepted route or exit node, or on the host's LAN that {@link Builder#exitNodeAllowLanAccess}
     * keeps local. Without this the packets would vanish and the caller wait for a timeout.
     */
    private void checkRoute(InetAddress address) throws NoRouteToHostException {
        switch (loop.dataplane().route(address)) {
            case RouteTable.Via via -> { }
            case RouteTable.Lan lan -> throw new NoRouteToHostException(AddressText.of(address)
                    + " is on this host's network, which exit-node-allow-lan-access keeps off the tailnet:"
                    + " reach it with the host's own sockets");
            case RouteTable.Refused refused -> throw new NoRouteToHostException(refused.reason());
        }
    }

    /**
     * The peer carrying this node's traffic to addresses outside the tailnet
     * ({@link Builder#exitNode}), by the current netmap; empty when none was asked for, or the
     * one asked for is not an exit node ({@link #exitNodeProblem()} says why).
     *
     * @return the exit node in use, if any
     */
    public Optional<Peer> exitNode() {
        // By key in the newest netmap, which may already have lost the peer the table was made from.
        return loop.dataplane().routes().exitNode().flatMap(n -> tailnet().find(n.key()));
    }

    /**
     * The routes this node offers ({@link Builder#advertiseRoutes}), as control is told them.
     *
     * @return CIDR prefixes, shorter first; empty when it offers none
     */
    public List<String> advertisedRoutes() {
        return loop.dataplane().advertisedRoutes().stream().map(Prefix::toString).toList();
    }

    /**
     * The advertised routes control approved, by the last description of this node control sent
     * (headscale sends none when it approves a route, so this may lag until the next full map;
     * peers use an approved route at once).
     *
     * @return CIDR prefixes; empty before approval
     */
    public List<String> approvedRoutes() {
        return loop.dataplane().servedRoutes().approved().stream().map(Prefix::toString).toList();
    }

    /**
     * What this node relayed and refused for its peers as a subnet router or exit node so far
     * ({@code tcp_connections_relayed}, {@code udp_flows_opened}, {@code pings_answered},
     * {@code refused_tcp_limit}...), non-zero counts only; empty when it advertises no routes.
     *
     * @return counts by event name
     */
    public Map<String, Long> relayCounters() {
        return loop.dataplane().relayCounters();
    }

    /**
     * What the host lacks for this node to work as asked, one line each, as tailscaled's health
     * warnings ({@code tailscale status} shows them): now, in TUN mode with
     * {@link Builder#advertiseRoutes advertised routes}, IP forwarding off for their address
     * family, so the kernel drops what peers send to them. Read afresh on each call.
     *
     * <pre>{@code
     * node.healthWarnings().forEach(w -> System.err.println("warning: " + w));
     * }</pre>
     *
     * @return the warnings; empty when there is nothing to fix
     */
    public List<String> healthWarnings() {
        return loop.dataplane().healthWarnings();
    }

    /**
     * Why the exit node asked for is not used, in one line.
     *
     * @return the reason; empty when it is used or none was asked for
     */
    public Optional<String> exitNodeProblem() {
        return loop.dataplane().routes().exitNodeProblem();
    }

    /**
     * {@link java.net.Socket}s over the tailnet for libraries that take a
     * {@link javax.net.SocketFactory}: they connect as {@link #dial} does.
     *
     * <pre>{@code
     * try (Socket s = node.socketFactory().createSocket("db-server", 5432)) { ... }
     * }</pre>
     *
     * @return a factory whose sockets connect over the tailnet
     */
    public TailnetSocketFactory socketFactory() {
        return new TailnetSocketFactory(this::dial);
    }

    /**
     * Sends an ICMP echo request (ICMPv6 to an IPv6 address) through the tunnel, as the
     * system's {@code ping} would, and waits for the reply. Unlike {@link #ping}, which is
     * answered by the peer's tailnet software, this is answered by the peer's IP stack.
     *
     * <pre>{@code
     * Duration rtt = node.icmpPing("laptop", Duration.ofSeconds(2));
     * }</pre>
     *
     * @param timeout how long to wait for the reply
     * @param host a peer's short name, FQDN or tailnet address
     * @return the round-trip time
     * @throws TimeoutException when no reply came within {@code timeout}
     * @throws IOException if the request could not be sent, or the host is unknown
     */
    public Duration icmpPing(String host, Duration timeout) throws IOException, TimeoutException {
        InetAddress address = resolve(host).getFirst();
        checkRoute(address);
        return loop.dataplane().netstack().ping(address, ICMP_PING_DATA, timeout);
    }

    /**
     * Listens for TCP connections from the tailnet on {@code port} of this node's tailnet addresses.
     *
     * @param port the TCP port
     * @return the listening socket; close it to stop listening
     * @throws java.net.BindException if the port is taken on this node
     * @throws IllegalStateException in TUN mode, where the OS's own sockets reach the tailnet
     */
    public TailnetServerSocket listen(int port) throws IOException {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
        return userspaceStack().listen(port, DEFAULT_BACKLOG);
    }

    /**
     * Binds a UDP port on this node's tailnet addresses ({@code 0}: any free one).
     *
     * @param port the UDP port, or 0 for any free one
     * @return the bound socket
     * @throws IOException if the port is taken on this node
     */
    public TailnetDatagramSocket bindUdp(int port) throws IOException {
        return userspaceStack().bindUdp(port);
    }

    /** In TUN mode the OS owns the tailnet addresses, so this node's own sockets would never see their replies. */
    private Netstack userspaceStack() {
        String tun = loop.dataplane().tunName();
        if (tun != null) {
            throw new IllegalStateException("this node runs in TUN mode: use the OS's sockets, which reach the "
                    + "tailnet through " + tun);
        }
        return loop.dataplane().netstack();
    }

    /**
     * The TUN interface carrying the tailnet for the OS ({@link Builder#tunDevice}), or empty in
     * userspace mode: none was asked for, the device could not be opened, or the node has not
     * opened it yet (it does so as it starts, before it first contacts control).
     *
     * @return the interface's name, or empty
     */
    public Optional<String> tunInterface() {
        return Optional.ofNullable(loop.dataplane().tunName());
    }

    /**
     * The tailnet addresses of {@code host} (short name, FQDN or IP literal) as MagicDNS would
     * answer, from the current netmap; nothing is sent.
     *
     * @param host the name or address
     * @return its addresses, IPv4 first
     * @throws UnknownHostException if the netmap knows no such name
     */
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        List<InetAddress> found = MagicDnsHosts.of(loop.netmap()).lookup(host);
        if (found.isEmpty()) {
            throw new UnknownHostException(host + " is not a tailnet name or address this node knows");
        }
        return found;
    }

    /**
     * Who owns a tailnet address, from the current netmap: the node (a peer or this node) and its
     * tailnet user, like {@code tailscale whois}. Nothing is sent.
     *
     * <pre>{@code
     * TailnetSocket c = server.accept();
     * String who = node.whois(c.getRemoteSocketAddress().getAddress())
     *         .map(w -> w.shortName() + " (" + w.loginName() + ")").orElse("unknown");
     * }</pre>
     *
     * @param address a tailnet address, e.g. a caller's
     * @return empty for an address no node of the tailnet has (or before the first netmap)
     */
    public Optional<WhoIs> whois(InetAddress address) {
        return WhoIs.find(tailnet(), Objects.requireNonNull(address, "address"));
    }

    /**
     * How each peer is reached now (DERP or direct), with handshake and traffic; empty before
     * connecting. A status names its peer by {@link Peer#fqdn()} (by its short node key
     * once the netmap no longer lists it).
     *
     * <pre>{@code
     * Map<String, PeerPathStatus> paths = new HashMap<>();
     * node.peerPaths().forEach(p -> paths.put(p.peer(), p));
     * for (Peer p : node.tailnet().peers()) {
     *     PeerPathStatus s = paths.get(p.fqdn());
     *     System.out.println(p.shortName() + " " + (s == null ? "idle" : s.path()));
     * }
     * }</pre>
     *
     * @return one status per peer with a WireGuard session
     */
    public List<PeerPathStatus> peerPaths() {
        Magicsock m = loop.dataplane().magicsock();
        // Magicsock names peers as control does, with the trailing dot; the public model has none.
        return m == null ? List.of() : m.peerPaths().stream().map(p -> new PeerPathStatus(TailnetMap.fqdn(p.peer()),
                p.path(), p.lastHandshake(), p.rxBytes(), p.txBytes(), p.latency())).toList();
    }

    /**
     * The node's counters now, for monitoring: traffic per peer and path, handshakes, DISCO,
     * relays, netmap updates, drops by reason, sockets. All zero before the node started.
     *
     * <pre>{@code
     * NodeMetrics m = node.metrics();
     * System.out.println(m.handshakesCompleted() + " handshakes, dropped " + m.dropped());
     * }</pre>
     *
     * @return a snapshot
     */
    public NodeMetrics metrics() {
        Dataplane d = loop.dataplane();
        Magicsock m = d.magicsock();
        Map<String, Duration> latencies = new TreeMap<>();
        Optional<NetcheckResult> netcheck = lastNetcheck();
        TailnetMap map = tailnet();
        netcheck.ifPresent(r -> r.latencies().forEach((id, rtt) -> latencies.put(
                map.derpRegion(id).map(DerpRegion::code).orElse(Integer.toString(id)), rtt)));
        List<PeerTraffic> traffic = m == null ? List.of() : m.peerTraffic().stream()
                .map(t -> new PeerTraffic(TailnetMap.fqdn(t.peer()), t.path(), t.rxBytes(), t.rxPackets(),
                        t.txBytes(), t.txPackets())).toList();
        return new NodeMetrics(traffic, m == null ? 0 : m.handshakesCompleted(), m == null ? 0 : m.discoPingsSent(),
                m == null ? 0 : m.discoPongsReceived(), m == null ? 0 : m.discoPingsAnswered(),
                m == null ? 0 : m.derpConnects(), latencies, loop.netmapUpdates(), d.drops(),
                d.netstack().tcpConnectionCount(), d.netstack().udpSocketCount());
    }

    /**
     * Measures the network now, like {@code tailscale netcheck}: STUN to every DERP region of
     * the netmap, giving whether UDP works, this node's addresses as the internet sees them and
     * each region's latency. The node re-measures every 30 s on its own; this asks for a round
     * now and waits (bounded) for the first one that finishes after the call.
     *
     * <pre>{@code
     * NetcheckResult r = node.netcheck(Duration.ofSeconds(10));
     * System.out.println("UDP " + r.udpWorks() + ", home region " + node.homeDerpRegion());
     * }</pre>
     *
     * @param timeout how long to wait for the round
     * @return the round's result
     * @throws IllegalStateException before the node received a DERP map
     * @throws TimeoutException if no round finished within {@code timeout}
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public NetcheckResult netcheck(Duration timeout) throws TimeoutException, InterruptedException {
        Magicsock m = loop.dataplane().magicsock();
        if (m == null) {
            throw new IllegalStateException("node is not connected yet (state " + state() + ")");
        }
        Instant asked = Instant.now();
        long deadline = System.nanoTime() + timeout.toNanos();
        m.kick();
        for (NetcheckReport r; (r = m.lastNetcheck()) == null || r.at().isBefore(asked); ) {
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("no netcheck finished within " + timeout);
            }
            Thread.sleep(NETCHECK_POLL);
        }
        return NetcheckResult.of(m.lastNetcheck());
    }

    /**
     * The home DERP region's ID ({@link TailnetMap#derpRegion} names it), or 0 before one was chosen.
     *
     * @return the region ID, or 0
     */
    public int homeDerpRegion() {
        Magicsock m = loop.dataplane().magicsock();
        return m == null ? 0 : m.homeRegion();
    }

    /**
     * The UDP port peers reach this node on (0 until the first netmap arrived).
     *
     * @return the port, or 0
     */
    public int udpPort() {
        return loop.dataplane().udpPort();
    }

    /**
     * The peers probed for direct paths now (see {@link Builder#discoAllowlist}); empty: every peer.
     *
     * @return the entries as given, or empty
     */
    public Set<String> discoAllowlist() {
        return loop.dataplane().discoAllowlist();
    }

    /**
     * Replaces the DISCO allowlist while the node runs, e.g. from a settings page: newly listed
     * peers are probed when they next carry traffic; a peer taken off loses its direct path at
     * once and is reached through DERP. Empty probes every peer again.
     *
     * <pre>{@code
     * Set<String> more = new HashSet<>(node.discoAllowlist());
     * more.add("laptop");
     * node.setDiscoAllowlist(more);
     * }</pre>
     *
     * @param peers peers as {@link TailnetMap#find} takes them; empty for all
     * @throws IllegalArgumentException for a blank entry
     */
    public void setDiscoAllowlist(Collection<String> peers) {
        loop.dataplane().setDiscoAllowlist(Builder.checkedAllowlist(peers));
    }

    /**
     * The latest of the node's own netcheck rounds (every 30 s), without measuring: for status
     * pages that poll often. Empty before the first round finished. {@link #netcheck} measures now.
     *
     * @return the latest result, or empty
     */
    public Optional<NetcheckResult> lastNetcheck() {
        Magicsock m = loop.dataplane().magicsock();
        return m == null ? Optional.empty() : Optional.ofNullable(m.lastNetcheck()).map(NetcheckResult::of);
    }

    /**
     * The UDP port mapping the default gateway granted (NAT-PMP, PCP or UPnP IGD, asked at each
     * netcheck), without asking: empty while there is none or before the node is up.
     *
     * @return the mapping and its protocol, or empty
     */
    public Optional<PortMapping> portMapping() {
        Magicsock m = loop.dataplane().magicsock();
        return m == null ? Optional.empty() : Optional.ofNullable(m.portMapping());
    }

    /**
     * Retries registration with a new auth key after {@link NodeState#NEEDS_LOGIN}.
     *
     * @param authKey a pre-auth key; never logged
     */
    public void login(String authKey) {
        loop.login(Objects.requireNonNull(authKey, "authKey"));
    }

    /**
     * Logs this node out at control; it then waits in NEEDS_LOGIN for {@link #login}.
     *
     * @throws IOException if control could not be told
     */
    public void logout() throws IOException {
        loop.logout();
    }

    /** Stops the node and waits (bounded) for its thread to end. */
    @Override
    public synchronized void close() {
        loop.stop();
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(STOP_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Erases what a node keeps in {@code stateDirectory}: its keys and its peer cache. The next
     * node started there registers as a new node (it needs an auth key or a login again), as
     * on a fresh machine. Other files in the directory stay.
     *
     * <pre>{@code
     * TailnetNode.factoryReset(Path.of("/var/lib/sensor/microlink"));
     * }</pre>
     *
     * @param stateDirectory the directory a node was built with
     * @throws StateException if a node is running on that directory (stop it first), or a
     *                        file cannot be deleted
     */
    public static void factoryReset(Path stateDirectory) throws StateException {
        NodeFiles.factoryReset(Objects.requireNonNull(stateDirectory, "state directory"));
    }

    /** Settings for a {@link TailnetNode}; control URL, hostname and state directory are required. */
    public static final class Builder {
        private URI controlUrl;
        private String authKey;
        private String hostname;
        private Path stateDirectory;
        private Duration mapWatchdog = Duration.ofSeconds(120);
        private Duration backoffInitial = Duration.ofSeconds(1);
        private Duration backoffMax = Duration.ofSeconds(60);
        private SSLContext tls = ControlClient.defaultTls();
        private int udpPort;
        private DerpClient.Transport derpTransport = DerpClient.Transport.TLS;
        private boolean derpWebSocket;
        private DerpTransport derpStreams;
        private Set<String> discoAllowlist = Set.of();
        private String priorityPeer;
        private int maxActivePeers = DEFAULT_MAX_ACTIVE_PEERS;
        private String tunDevice;
        private int peerCacheSize = PeerCache.DEFAULT_CAPACITY;
        private List<InetSocketAddress> dnsUpstreams = List.of();
        private boolean acceptRoutes;
        private List<Prefix> advertisedRoutes = List.of();
        private boolean snatSubnetRoutes = true;
        private boolean acceptDns = true;
        /** Null: this host's own sockets ({@link OsRelayTarget}), bound as the node binds its others. */
        private RelayTarget relayTarget;
        private String exitNode;
        private boolean exitNodeAllowLanAccess;
        private String outboundProxy;
        private List<String> uplinks = List.of();
        private Duration uplinkCheckInterval = Uplinks.Settings.DEFAULT_INTERVAL;
        private Duration uplinkFailback = Uplinks.Settings.DEFAULT_FAILBACK;

        private Builder() {}

        /**
         * The control server, e.g. {@code https://controlplane.tailscale.com} or a headscale URL.
         *
         * @param url the control server's base URL
         * @return this builder
         */
        public Builder controlUrl(String url) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("control URL is not a URL: " + url);
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("control URL must be http(s)://host[:port], got: " + url);
            }
            this.controlUrl = uri;
            return this;
        }

        /**
         * A pre-auth key; without one the node asks for interactive login. Never logged.
         *
         * @param key the pre-auth key
         * @return this builder
         */
        public Builder authKey(String key) {
            this.authKey = key == null || key.isBlank() ? null : key.strip();
            return this;
        }

        /**
         * The name this node asks for; control may add a suffix if another node has it.
         *
         * @param name the hostname, also the first label of the node's MagicDNS name
         * @return this builder
         */
        public Builder hostname(String name) {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9-]{0,62}")) {
                throw new IllegalArgumentException("hostname must be 1-63 letters, digits or '-', not starting with"
                        + " '-': " + name);
            }
            this.hostname = name;
            return this;
        }

        /**
         * Where keys and state are kept (created owner-only if missing).
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder stateDirectory(Path dir) {
            this.stateDirectory = Objects.requireNonNull(dir, "state directory");
            return this;
        }

        /**
         * How long the map stream may be silent before it counts as dead (default 120 s).
         *
         * @param d the longest silence
         * @return this builder
         */
        public Builder mapWatchdog(Duration d) {
            this.mapWatchdog = requirePositive(d, "map watchdog");
            return this;
        }

        /**
         * Reconnect backoff: first wait and ceiling (default 1 s and 60 s, with jitter).
         *
         * @param initial the first wait
         * @param max the longest wait
         * @return this builder
         */
        public Builder backoff(Duration initial, Duration max) {
            this.backoffInitial = requirePositive(initial, "initial backoff");
            this.backoffMax = requirePositive(max, "maximum backoff");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("maximum backoff " + max + " is below the initial " + initial);
            }
            return this;
        }

        /**
         * Whom to trust for an {@code https} control URL; default: the JVM's trust store. For a
         * headscale with a private CA, an {@code SSLContext} initialised with that CA.
         *
         * @param context the TLS context for control
         * @return this builder
         */
        public Builder tls(SSLContext context) {
            this.tls = Objects.requireNonNull(context, "TLS context");
            return this;
        }

        /**
         * The UDP port for WireGuard, DISCO and STUN; 0 (default) picks a free one.
         *
         * @param port the port, or 0
         * @return this builder
         */
        public Builder udpPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("UDP port must be 0-65535, got " + port);
            }
            this.udpPort = port;
            return this;
        }

        /**
         * Probe direct paths only to these peers (short name, FQDN, tailnet IP or node key);
         * every other peer is reached through DERP. Empty (the default) probes every peer
         * that sends or receives traffic. On a tailnet of thousands this keeps a small device
         * from spending its packets and battery on peers it rarely talks to.
         *
         * @param peers peers as {@link TailnetMap#find} takes them
         * @return this builder
         */
        public Builder discoAllowlist(Collection<String> peers) {
            this.discoAllowlist = checkedAllowlist(peers);
            return this;
        }

        static Set<String> checkedAllowlist(Collection<String> peers) {
            for (String p : peers) {
                if (p == null || p.isBlank()) {
                    throw new IllegalArgumentException("DISCO allowlist entries must not be blank");
                }
            }
            return peers.stream().map(String::strip).collect(Collectors.toUnmodifiableSet());
        }

        /**
         * The peer (same forms as the allowlist) whose WireGuard session is never evicted.
         *
         * @param peer the peer
         * @return this builder
         */
        public Builder priorityPeer(String peer) {
            this.priorityPeer = peer == null || peer.isBlank() ? null : peer.strip();
            return this;
        }

        /**
         * WireGuard sessions held at once (default 1024); beyond it the least recently used peer
         * loses its keys and does a new handshake when traffic resumes.
         *
         * @param n the session cap, at least 1
         * @return this builder
         */
        public Builder maxActivePeers(int n) {
            if (n < 1 || n > 65536) {
                throw new IllegalArgumentException("max active peers must be 1-65536, got " + n);
            }
            this.maxActivePeers = n;
            return this;
        }

        /**
         * TUN mode (Linux, needs root or CAP_NET_ADMIN): the node carries the tailnet for the whole
         * OS through a TUN interface of this name, created at {@link TailnetNode#start()} and removed
         * at {@link TailnetNode#close()}. It holds the node's tailnet addresses and routes 100.64.0.0/10,
         * fd7a:115c:a1e0::/48 and MagicDNS (100.100.100.100) into the tailnet, so any program on
         * the machine reaches peers with plain sockets; point the system's resolver at
         * 100.100.100.100 for names. {@link TailnetNode#dial}, {@link TailnetNode#listen} and
         * {@link TailnetNode#bindUdp} are then not available: the OS owns the addresses. If the
         * device cannot be opened, the node logs one WARNING saying why and runs in userspace mode
         * instead ({@link TailnetNode#tunInterface()} tells which).
         *
         * <pre>{@code
         * TailnetNode node = TailnetNode.builder()
         *         .controlUrl("https://headscale.example.com").authKey(key).hostname("gateway")
         *         .stateDirectory(Path.of("/var/lib/microlink"))
         *         .tunDevice("tailscale0")
         *         .build();
         * node.start(); // then any program on the machine reaches peers, e.g. `ping 100.64.0.2`
         * }</pre>
         *
         * @param name an interface name: 1-15 letters, digits, '-', '_' or '.', not starting with '-'
         * @return this builder
         */
        public Builder tunDevice(String name) {
            // A leading '-' would reach `ip` and `iptables` as an option.
            if (name == null || !name.matches("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}") || name.equals(".")
                    || name.equals("..")) {
                throw new IllegalArgumentException(
                        "TUN device name must be 1-15 letters, digits, '-', '_' or '.', not starting with '-': " + name);
            }
            this.tunDevice = name;
            return this;
        }

        /**
         * How many peers the peer cache keeps (default {@value PeerCache#DEFAULT_CAPACITY}; 0
         * turns it off and deletes the file). The cache, {@code peers.json} in the state
         * directory, holds the peers this node most recently exchanged traffic with, the relays
         * and this node's addresses, so after a restart the node reaches those peers before
         * control answers, or while it is down.
         *
         * <pre>{@code
         * TailnetNode.builder()...stateDirectory(dir).peerCacheSize(8).build();
         * }</pre>
         *
         * @param n peers to keep, 0 for none
         * @return this builder
         */
        public Builder peerCacheSize(int n) {
            if (n < 0 || n > PeerCache.MAX_CAPACITY) {
                throw new IllegalArgumentException("peer cache size must be 0-" + PeerCache.MAX_CAPACITY + ", got " + n);
            }
            this.peerCacheSize = n;
            return this;
        }

        /**
         * Resolvers for the names MagicDNS (100.100.100.100) does not answer itself when the
         * tailnet's DNS config gives no resolver for them (no {@code Resolvers}, no split-DNS route):
         * they stand where tailscale puts the OS's own resolvers, ahead of control's fallback
         * resolvers. Default none: such names get SERVFAIL. Tailnet addresses are asked through
         * the tailnet in userspace mode, others through the host's network.
         *
         * <pre>{@code
         * TailnetNode.builder()...dnsUpstreams(List.of(new InetSocketAddress("192.0.2.53", 53))).build();
         * }</pre>
         *
         * @param upstreams at most {@value #MAX_DNS_UPSTREAMS} resolved addresses (IP and port)
         * @return this builder
         */
        public Builder dnsUpstreams(List<InetSocketAddress> upstreams) {
            if (upstreams.size() > MAX_DNS_UPSTREAMS || upstreams.stream().anyMatch(a -> a.isUnresolved()
                    || a.getPort() == 0)) {
                throw new IllegalArgumentException("DNS upstreams must be at most " + MAX_DNS_UPSTREAMS
                        + " IP addresses with a port, got " + upstreams);
            }
            this.dnsUpstreams = List.copyOf(upstreams);
            return this;
        }

        /**
         * Gives the node two or more uplinks, network interfaces that each have a route of their
         * own to the internet (e.g. {@code wlan0} and {@code wwan0}, each with a default route),
         * most preferred first. Each is checked every few seconds from sockets bound to it (a
         * STUN request to the first relay of the DERP map, else a TCP connect to it); traffic
         * (the UDP socket, DERP and control connections) leaves through the most preferred
         * healthy one, moves on when that fails three checks in a row, and comes back once the preferred one has passed its checks for the
         * failback time ({@link #uplinkTimings}). WireGuard sessions and open connections
         * survive a switch. Linux only, with native access enabled; binding a socket to an
         * interface needs Linux 5.7 or later, or {@code CAP_NET_RAW}. Without this call (or with
         * an empty list) traffic follows the default route.
         *
         * @param interfaces interface names, most preferred first
         * @return this builder
         * @throws IllegalArgumentException for a repeated name or one no interface can have
         */
        public Builder uplinks(List<String> interfaces) {
            if (!interfaces.isEmpty()) {
                Uplinks.checkNames(interfaces);
            }
            this.uplinks = List.copyOf(interfaces);
            return this;
        }

        /**
         * How often each uplink is checked (default 5 s, with ±20% jitter) and how long a more
         * preferred uplink must stay healthy before traffic returns to it (default 60 s).
         *
         * @param checkInterval between two checks of one uplink
         * @param failback      the failback hysteresis
         * @return this builder
         * @throws IllegalArgumentException if the interval is not positive or the failback time negative
         */
        public Builder uplinkTimings(Duration checkInterval, Duration failback) {
            new Uplinks.Settings(List.of(), checkInterval, failback); // its rules, now rather than at build
            this.uplinkCheckInterval = checkInterval;
            this.uplinkFailback = failback;
            return this;
        }

        /**
         * The proxy that control and DERP connections go through, with {@code CONNECT}
         * tunnels: {@code http://[user[:password]@]host[:port]} (the scheme may be left out; the
         * user name and password percent-encoded), {@code https://} the same way for the same
         * {@code CONNECT} inside TLS to the proxy (port 443 by default; its certificate checked
         * against the host in the URL with {@link #tls}'s trust), {@code socks5://} or
         * {@code socks5h://} the same way for a SOCKS5 proxy (port 1080 by default;
         * {@code socks5h} lets the proxy resolve names), or {@code "direct"} for none. Without this
         * call the node reads the environment as tailscaled does: {@code HTTPS_PROXY} for
         * {@code https} servers, {@code HTTP_PROXY} for {@code http} ones (or their lower-case
         * names), {@code NO_PROXY} for exceptions. Loopback servers are always reached directly.
         * STUN and direct paths are UDP and cannot use a proxy: behind one that is all there is,
         * the node talks to its peers through DERP. The password is never logged.
         *
         * @param url the proxy URL, "direct", or null to follow the environment (the default)
         * @return this builder
         * @throws IllegalArgumentException if the URL is not an {@code http://}, {@code https://},
         *                                  {@code socks5://} or {@code socks5h://} proxy URL
         */
        public Builder outboundProxy(String url) {
            if (url != null && !url.isBlank()) {
                ProxyRules.of(url, Map.of()); // refused here, not at build()
            }
            this.outboundProxy = url;
            return this;
        }

        /**
         * Reach DERP relays over plain HTTP instead of TLS, as a headscale test tailnet on
         * loopback serves them (tailscaled's {@code TS_DEBUG_USE_DERP_HTTP}). Never for real relays.
         *
         * @return this builder
         */
        public Builder plainHttpDerpForTesting() {
            this.derpTransport = DerpClient.Transport.PLAIN_HTTP;
            return this;
        }

        /**
         * Reach DERP relays through a WebSocket ({@code Sec-WebSocket-Protocol: derp}, as
         * tailscale's browser client does and headscale's embedded relay accepts) instead of
         * {@code Upgrade: DERP}: for networks whose proxies pass WebSockets but nothing else
         * unknown. Without it a WebSocket is still tried when a relay refuses {@code Upgrade: DERP}.
         *
         * @param always true to always use a WebSocket
         * @return this builder
         */
        public Builder derpWebSocket(boolean always) {
            this.derpWebSocket = always;
            return this;
        }

        /**
         * Carries DERP connections over the embedder's byte streams instead of the node's own TCP
         * connections (the JVM form of MicroLink's AT-socket bridge): the node runs TLS, unless
         * the stream is already secure, and DERP over each stream. The outbound proxy then
         * applies to control only.
         *
         * @param transport opens a stream to a relay, or null for the node's own TCP connections
         * @return this builder
         */
        public Builder derpTransport(DerpTransport transport) {
            this.derpStreams = transport;
            return this;
        }

        private static Duration requirePositive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }

        /**
         * Uses the subnet routes peers offer and control approved, as {@code tailscale up
         * --accept-routes}: {@link TailnetNode#dial}, {@link TailnetNode#bindUdp} sockets and the
         * proxies then reach hosts on those subnets through the peer control names primary for
         * each, following control when the primary moves. Off by default: such addresses are
         * refused with a message naming the route.
         *
         * @param accept whether to use peers' approved subnet routes
         * @return this builder
         */
        public Builder acceptRoutes(boolean accept) {
            this.acceptRoutes = accept;
            return this;
        }

        /**
         * Sends traffic for addresses outside the tailnet through {@code peer} (a name, FQDN,
         * tailnet IP or node key), which must offer approved 0.0.0.0/0 and ::/0 routes, as
         * {@code tailscale up --exit-node}. A peer that is no exit node is not used:
         * {@link TailnetNode#exitNodeProblem()} says why, and dials outside the tailnet are refused
         * with that reason. Names outside the tailnet that MagicDNS has no resolver for go to the
         * exit node's DNS when it offers it, and so do the names {@link TailnetNode#dial} is given.
         * As tailscale, a node that {@link #advertiseRoutes advertises} itself as an exit node
         * cannot use one.
         *
         * @param peer the exit node, or null for none
         * @return this builder
         * @throws IllegalArgumentException with tailscale's message ("Cannot advertise an exit node
         *                                  and use an exit node at the same time.") when this node
         *                                  already advertises the exit routes
         */
        public Builder exitNode(String peer) {
            String use = peer == null || peer.isBlank() ? null : peer.strip();
            AdvertisedRoutes.checkExitNodeUse(advertisedRoutes, use);
            this.exitNode = use;
            return this;
        }

        /**
         * With an exit node, keeps the networks of the host's own interfaces off it, as
         * {@code --exit-node-allow-lan-access}: their addresses are not sent to the tailnet (the
         * host's own sockets reach them).
         *
         * @param allow whether the host's own networks stay off the exit node
         * @return this builder
         */
        public Builder exitNodeAllowLanAccess(boolean allow) {
            this.exitNodeAllowLanAccess = allow;
            return this;
        }

        /**
         * Offers the tailnet routes through this node, as {@code tailscale up --advertise-routes}
         * and {@code --advertise-exit-node}: it tells control, and once control approves a route
         * (headscale: {@code nodes approve-routes}) peers send packets for it here, where the
         * tailnet's rules judge them by destination (as tailscaled, the filter counts advertised
         * routes as local) and, in userspace mode, this host's own sockets carry them on (TCP,
         * UDP, ICMP echo); in TUN mode the kernel forwards them ({@link #snatSubnetRoutes}).
         * An exit node serves the internet only: not the host's own
         * networks, private, link-local or the tailnet's ranges, as tailscaled. It also answers DNS
         * for the peers allowed to use it (its peerAPI's {@code /dns-query}, from the
         * {@link #dnsUpstreams} or else the host's {@code /etc/resolv.conf}), as tailscaled's exit nodes do.
         *
         * @param routes   CIDR prefixes with no host bits set, such as {@code 192.168.50.0/24}
         * @param exitNode whether to offer 0.0.0.0/0 and ::/0 as well
         * @return this builder
         * @throws IllegalArgumentException with a one-line reason for a bad prefix, or with
         *                                  tailscale's message when this node uses an {@link #exitNode}
         *                                  and the routes make it offer to be one
         */
        public Builder advertiseRoutes(Collection<String> routes, boolean exitNode) {
            List<Prefix> parsed = AdvertisedRoutes.parse(routes, exitNode);
            AdvertisedRoutes.checkExitNodeUse(parsed, this.exitNode);
            this.advertisedRoutes = parsed;
            return this;
        }

        /**
         * TUN mode: whether what peers send to the {@link #advertiseRoutes advertised routes}
         * leaves this host with the host's own address (masquerade, the default), as tailscaled's
         * {@code --snat-subnet-routes}; off, hosts on the routes see the peer's tailnet address
         * and must route 100.64.0.0/10 back through this host. The kernel forwards the packets
         * (IP forwarding must be on: the node warns when it is off), through firewall rules the
         * node installs at start and removes at close. Userspace mode always uses the host's
         * address.
         *
         * @param masquerade whether to masquerade routed traffic
         * @return this builder
         */
        public Builder snatSubnetRoutes(boolean masquerade) {
            this.snatSubnetRoutes = masquerade;
            return this;
        }

        /**
         * TUN mode: whether the host's resolver is pointed at MagicDNS, as tailscaled's
         * {@code --accept-dns} (on by default, as there). On, while the tailnet gives DNS settings
         * {@code /etc/resolv.conf} names 100.100.100.100 and the tailnet's search domains, so every
         * program resolves peers by name; the host's own file is kept in the state directory,
         * comes back byte for byte at {@link TailnetNode#close()} (and at the next start after a
         * killed run), and its resolvers answer names outside the tailnet through quad-100
         * (unless {@link #dnsUpstreams} are given). A file systemd-resolved or resolvconf manages
         * is left alone with one warning. Off, the resolver is never touched. Userspace mode never
         * touches it either way.
         *
         * <pre>{@code
         * TailnetNode.builder()...tunDevice("tailscale0").acceptDns(false).build();
         * }</pre>
         *
         * @param accept whether to configure the host's resolver
         * @return this builder
         */
        public Builder acceptDns(boolean accept) {
            this.acceptDns = accept;
            return this;
        }

        /**
         * Where userspace mode carries what peers send to the {@link #advertiseRoutes advertised
         * routes}: this host's own sockets ({@link OsRelayTarget}) unless an embedder serves a
         * network of its own, as the LOPOWER bridge serves its devices' prefixes. The relay in
         * front of it, its limits per peer and the packet filter stay the node's.
         *
         * @param target opens the connections, flows and pings the peers' packets ask for
         * @return this builder
         */
        public Builder relayTarget(RelayTarget target) {
            this.relayTarget = Objects.requireNonNull(target, "relay target");
            return this;
        }

        /**
         * Makes the node; it does nothing until {@link TailnetNode#start()}.
         *
         * @return the node
         * @throws IllegalStateException if the control URL, hostname or state directory is missing
         * @throws IllegalArgumentException if no {@link #outboundProxy} was given and a proxy
         *                                  variable of the environment holds no usable proxy URL
         */
        public TailnetNode build() {
            if (controlUrl == null || hostname == null || stateDirectory == null) {
                throw new IllegalStateException("a node needs controlUrl, hostname and stateDirectory");
            }
            Uplinks links = uplinks.isEmpty() ? null
                    : new Uplinks(new Uplinks.Settings(uplinks, uplinkCheckInterval, uplinkFailback));
            ProxyRules rules = ProxyRules.of(outboundProxy, System.getenv());
            // Control and DERP connections leave through the active uplink, as the UDP socket does;
            // an https:// proxy is trusted as control is, with the node's TLS context.
            SocketBinder binder = Uplinks.binderOf(links, tunDevice != null);
            // The proxy or the name is all the dialer knows of where it connects: bound.
            Dialer dialer = new Dialer(rules, sock -> binder.bindTcp(sock, null), tls);
            DerpClient.Transport derp = derpTransport.webSocket(derpWebSocket).over(derpStreams);
            return new TailnetNode(new NodeConfig(controlUrl, authKey, hostname, stateDirectory, mapWatchdog,
                    backoffInitial, backoffMax, tls, udpPort, derp, discoAllowlist, priorityPeer,
                    maxActivePeers, tunDevice, peerCacheSize, dnsUpstreams, new RoutePrefs(acceptRoutes, exitNode,
                    exitNodeAllowLanAccess, exitNodeAllowLanAccess ? HostNetworks.prefixes() : List.of()),
                    advertisedRoutes, snatSubnetRoutes, relayTarget != null ? relayTarget : new OsRelayTarget(binder), dialer, links,
                    acceptDns));
        }
    }
}
