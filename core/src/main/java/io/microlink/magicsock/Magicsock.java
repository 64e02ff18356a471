package io.microlink.magicsock;

import io.microlink.PeerPathStatus;
import io.microlink.PeerTraffic;
import io.microlink.PingPath;
import io.microlink.PingResult;
import io.microlink.control.wire.DerpMap;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.Node;
import io.microlink.derp.DerpClient;
import io.microlink.disco.DiscoPacket;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.netcheck.NetcheckReport;
import io.microlink.netcheck.NetcheckRound;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.PeerExpiry;
import io.microlink.netmon.NetworkChange;
import io.microlink.netmon.NetworkMonitor;
import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.PacketSink;
import io.microlink.outbound.Dialer;
import io.microlink.PortMapping;
import io.microlink.portmap.PortMapper;
import io.microlink.route.RoutePrefs;
import io.microlink.netstack.relay.SocketBinder;
import io.microlink.uplink.Uplinks;
import io.microlink.wireguard.session.Counters;
import io.microlink.wireguard.udp.LinuxUdpSocket;
import io.microlink.wireguard.udp.UdpBatchSocket;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;

/**
 * The node's network presence: one UDP socket shared by STUN, DISCO and WireGuard, a
 * netcheck every interval that picks the home DERP region, DERP connections to home and to
 * the regions peers call home ({@link DerpRelays}), and DISCO: pings answered on whichever
 * path they came by, and each active peer's paths probed so that data goes direct once a
 * pong has proven the path and falls back to DERP when the proof lapses ({@link PeerPath}).
 * What it learns (home region, latencies, endpoints) goes to control through the
 * {@link Reporter}, so peers reach us through the relay we are really connected to.
 * WireGuard rides these paths through {@link WireGuardLink}.
 *
 * <p>This class is the runtime: the socket, the relays and three threads (the UDP reader, the
 * maintenance loop that measures and keeps the home relay, the timer tick). What they act on
 * is decided elsewhere, without I/O: {@link PeerTable} holds the peers of the netmap,
 * {@link DiscoProber} speaks DISCO and proves paths, {@link HomeRelay} says when to measure,
 * which region to call home and what control hears, and {@link UdpReader} tells the socket's
 * protocols apart.
 */
public final class Magicsock implements PacketSink, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.magicsock");
    private static final Duration NETCHECK_WAIT = Duration.ofMillis(1500);
    private static final Duration DERP_TIMEOUT = Duration.ofSeconds(10);
    /** What tailscaled asks for its UDP socket buffers (7 MiB). */
    private static final int SOCKET_BUFFER_BYTES = 7 << 20;
    /** The WireGuard engine's timers are checked this often. */
    private static final Duration TICK = Duration.ofMillis(100);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Room in front of a packet that {@link #accept} needs to encrypt it in place: the transport header. */
    public static final int PACKET_HEADROOM = WireGuardLink.HEADROOM;
    /** Room after a packet that {@link #accept} needs to encrypt it in place: padding and the tag. */
    public static final int PACKET_TAILROOM = WireGuardLink.TAILROOM;
    /** tailscale's EndpointType values. */
    static final int ENDPOINT_LOCAL = 1;
    static final int ENDPOINT_STUN = 2;
    static final int ENDPOINT_PORTMAPPED = 3;

    /** An address peers may try, with its kind ({@code 1} local interface, {@code 2} seen by STUN, {@code 3} mapped by the gateway). */
    public record OwnEndpoint(InetSocketAddress address, int type) {
        /** As control expects it: "1.2.3.4:5" or "[2001:db8::1]:5". */
        public String text() {
            return EndpointText.format(address);
        }
    }

    /** Receives what the node should tell control; called on a thread of its own, one report at a time. */
    @FunctionalInterface
    public interface Reporter {
        void report(Hostinfo.NetInfo netInfo, List<OwnEndpoint> endpoints);
    }

    /**
     * @param port             UDP port, 0 for any
     * @param derpTransport    TLS in the real world; plain HTTP only for test tailnets
     * @param netcheckInterval how often to re-measure
     * @param discoAllowlist   peers (name, FQDN, tailnet IP or node key) whose direct paths are
     *                         probed; empty means every peer. The others are reached through
     *                         DERP only, which keeps a node on a huge tailnet from probing all
     * @param priorityPeer     the peer (same forms) that always keeps its WireGuard session, or null
     * @param maxActivePeers   WireGuard sessions held at once; the least recently used go first
     * @param routes           which of the peers' routes this node takes (subnet routes, an exit node)
     * @param dialer           opens DERP connections, through the outbound proxy when there is one
     * @param uplinks          the uplinks to check, or null to follow the default route
     * @param hostSockets      readies the UDP socket and port mapping's sockets ({@code Uplinks.binderOf})
     */
    public record Settings(int port, DerpClient.Transport derpTransport, SSLContext tls, Duration netcheckInterval,
                           Set<String> discoAllowlist, String priorityPeer, int maxActivePeers, RoutePrefs routes,
                           Dialer dialer, Uplinks uplinks, SocketBinder hostSockets) {
        public Settings {
            discoAllowlist = Set.copyOf(discoAllowlist);
        }
    }

    private final Settings settings;
    /** Replaced when the network changes ({@link #rebindUdp}); senders use whichever is current. */
    private volatile UdpBatchSocket udp;
    private final PeerTable peers;
    private final DiscoProber prober;
    private final HomeRelay homeRelay;
    private final Supplier<PrivateKey> nodeKey;
    private final Supplier<Netmap> netmap;
    private final PeerExpiry expiry;
    /** Takes the decrypted inner packets from peers, then the end of each batch that arrived together. */
    private final PacketSink inner;
    private final Semaphore wake = new Semaphore(0);
    private final LongAdder rebinds = new LongAdder();
    private final DroppedInput derpDrops = new DroppedInput(LOG, "DERP packet");
    private final DerpRelays relays;
    private volatile UdpReader udpReader;
    private volatile Thread reader;
    /** Datagrams the readers of sockets since replaced dropped. */
    private volatile long udpDroppedBefore;
    private final AtomicReference<RebindPlan> pendingRebind = new AtomicReference<>(RebindPlan.NOTHING);
    private final List<Consumer<Predicate<InetAddress>>> strandedListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> pathsMovedListeners = new CopyOnWriteArrayList<>();
    private final NetworkMonitor monitor;
    /** Asks the gateway (NAT-PMP) for a mapping of our port; a new one re-measures, so control hears of it soon. */
    private final PortMapper portMapper;
    private final Thread maintenance;
    private final Thread ticker;
    private volatile WireGuardLink wireGuard;
    private volatile boolean running = true;
    private volatile NetcheckRound round;
    private volatile NetcheckReport lastReport;

    private Magicsock(Settings settings, UdpBatchSocket udp, PrivateKey discoKey, Supplier<PrivateKey> nodeKey,
                      Supplier<Netmap> netmap, PeerExpiry expiry, Reporter reporter, PacketSink inner) {
        this.settings = settings;
        this.expiry = expiry;
        this.inner = inner;
        this.udp = udp;
        this.nodeKey = nodeKey;
        this.netmap = netmap;
        Uplinks uplinks = settings.uplinks();
        this.portMapper = PortMapper.forDefaultGateway(uplinks == null ? () -> null : uplinks::active,
                settings.hostSockets(), this::kick);
        this.relays = new DerpRelays(settings.derpTransport(), settings.tls(), settings.dialer(), nodeKey, this::onDerpPacket,
                this::derpLost, DERP_TIMEOUT);
        this.homeRelay = new HomeRelay(settings.netcheckInterval(), RandomGenerator.getDefault(),
                new LatestReporter(reporter));
        this.peers = new PeerTable(settings.discoAllowlist(), expiry);
        this.prober = new DiscoProber(discoKey, peers, new DiscoTransport(), () -> nodeKey.get().publicKey(),
                homeRelay::endpoints, this::regionCode);
        syncPeers(netmap.get());
        this.wireGuard = newLink();
        expiry.applied(netmap.get());
        startReader(udp);
        this.maintenance = Thread.ofVirtual().name("microlink-magicsock").start(this::maintain);
        this.ticker = Thread.ofVirtual().name("microlink-wg-timers").start(this::tickLoop);
        this.monitor = NetworkMonitor.start(this::networkChanged);
        if (settings.uplinks() != null) {
            settings.uplinks().onSwitch(s -> rebindSoon(RebindPlan.uplinkSwitched()));
            settings.uplinks().start(this::derpMap, relays::home);
        }
    }

    /** Reads {@code socket} until it is closed or replaced. */
    private void startReader(UdpBatchSocket socket) {
        // A platform thread: a virtual one would park in the JDK's poller whenever the socket
        // runs empty and come back through the scheduler, a hand-off that costs more than the
        // packet it waits for (WireGuardDevice reads its socket the same way).
        udpReader = new UdpReader(socket, new Datagrams(), () -> running && udp == socket);
        reader = Thread.ofPlatform().daemon().name("microlink-udp").start(udpReader);
    }

    /**
     * Binds the UDP socket and starts measuring and answering.
     *
     * @param nodeKey  supplies the current node key (it changes when the key is rotated)
     * @param expiry   says which peers' keys have expired: they get no path and no WireGuard
     *                 session, and lose both when their key expires while this runs
     * @param inner    receives the inner packets peers send, in batches as they arrived;
     *                 {@link #accept} carries the other way
     * @throws java.net.BindException if the port is taken
     */
    public static Magicsock start(Settings settings, PrivateKey discoKey, Supplier<PrivateKey> nodeKey,
                                  Supplier<Netmap> netmap, PeerExpiry expiry, Reporter reporter, PacketSink inner)
            throws IOException {
        // One socket carries every peer's traffic; the kernel's default buffer (about 200 KiB)
        // overflows under a bulk transfer and the drops look to TCP like congestion. The kernel
        // caps this at net.core.rmem_max / wmem_max, as tailscaled's own request is capped.
        UdpBatchSocket udp = UdpBatchSocket.open(settings.port(), SOCKET_BUFFER_BYTES);
        bindToUplink(settings.hostSockets(), udp);
        if (!LinuxUdpSocket.usable() && LinuxUdpSocket.supportedPlatform()) {
            LOG.log(Level.INFO, "UDP port {0}: one datagram per system call; start java with "
                    + "--enable-native-access=ALL-UNNAMED to batch them (up to twice the throughput)",
                    String.valueOf(udp.port()));
        } else {
            LOG.log(Level.DEBUG, "UDP port {0}: {1}", String.valueOf(udp.port()), udp.mechanism());
        }
        try {
            return new Magicsock(settings, udp, discoKey, nodeKey, netmap, expiry, reporter, inner);
        } catch (RuntimeException e) {
            udp.close();
            throw e;
        }
    }

    /**
     * Encrypts the inner IP packet of {@code len} bytes at {@code off} for the peer whose
     * addresses route its destination. It may wait, with the others of its batch, until
     * {@link #endOfBatch()}, which the sender calls after the batch's last packet. With
     * {@link #PACKET_HEADROOM} bytes before it and {@link #PACKET_TAILROOM} after it in
     * {@code buf}, it is encrypted in place (overwriting those), else in a copy.
     */
    @Override
    public void accept(byte[] buf, int off, int len) {
        wireGuard.sendInner(buf, off, len);
    }

    /** Sends what {@link #accept} held back: a burst of datagrams to one peer leaves in one go. */
    @Override
    public void endOfBatch() {
        flushUdp();
    }

    private void flushUdp() {
        try {
            udp.flush();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "UDP send failed", e);
        }
    }

    public int port() {
        return udp.port();
    }

    private WireGuardLink newLink() {
        PublicKey priority = settings.priorityPeer() == null ? null
                : netmap.get().find(settings.priorityPeer()).map(n -> PublicKey.parse(KeyKind.NODE, n.key()))
                        .orElse(null);
        WireGuardLink link = new WireGuardLink(nodeKey.get(), new WireGuardLink.Paths() {
            @Override
            public void sendToPeer(PublicKey peer, byte[] buf, int off, int len) {
                Magicsock.this.sendToPeer(peer, buf, off, len);
            }

            @Override
            public void sendUdp(byte[] buf, int off, int len, InetSocketAddress to) {
                queueUdp(buf, off, len, to);
            }
        }, new WireGuardLink.Limits(settings.maxActivePeers(), priority), expiry, settings.routes(), inner);
        link.sync(netmap.get());
        return link;
    }

    /**
     * Takes a new netmap: paths and WireGuard peers follow it (peers whose key has expired get
     * neither); a rotated node key rebuilds the link.
     */
    public synchronized void updatePeers(Netmap next) {
        syncPeers(next);
        WireGuardLink link = wireGuard;
        if (!link.nodeKey().equals(nodeKey.get().publicKey())) {
            wireGuard = newLink();
        } else {
            link.sync(next);
        }
        expiry.applied(next);
    }

    private void syncPeers(Netmap map) {
        peers.sync(map);
        prober.forgetDeparted();
    }

    /**
     * Replaces the DISCO allowlist (same forms as {@link Settings#discoAllowlist()}) without a
     * restart: newly listed peers are probed when they next carry traffic, and a peer taken off
     * the list loses its direct path at once and goes through DERP.
     */
    public void setDiscoAllowlist(Set<String> peers) {
        this.peers.setDiscoAllowlist(peers);
        syncPeers(netmap.get());
    }

    /** A WireGuard packet for a peer: direct while a pong vouches for the path, through DERP otherwise. */
    private void sendToPeer(PublicKey peer, byte[] buf, int off, int len) {
        PeerTable.Entry p = peers.get(peer);
        if (p == null) {
            return;
        }
        long now = System.nanoTime();
        PeerPath.Route route = p.path().route(now);
        if (route.direct() != null) {
            queueUdp(buf, off, len, route.direct());
            p.traffic().sent(true, len);
        }
        if (route.viaDerp()) {
            relays.send(derpMap(), p.homeRegion(), peer, Arrays.copyOfRange(buf, off, off + len));
            p.traffic().sent(false, len);
        }
        prober.onTraffic(p, now);
    }

    private void tickLoop() {
        while (running) {
            try {
                Thread.sleep(TICK);
                if (expiry.due()) { // a peer's key expired since the last netmap: it goes now
                    updatePeers(netmap.get());
                }
                wireGuard.tick();
                flushUdp();
                prober.tick(System.nanoTime());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "WireGuard timer tick failed", e);
            }
        }
    }

    /** The gateway's mapping of our UDP port and who granted it, or null while there is none. */
    public PortMapping portMapping() {
        return portMapper.current();
    }

    /** The latest netcheck's findings, or null before the first netcheck finished. */
    public NetcheckReport lastNetcheck() {
        return lastReport;
    }

    /** The home DERP region (where peers reach this node through a relay), or 0 before one was chosen. */
    public int homeRegion() {
        return relays.home();
    }

    /** Re-measure now, e.g. because the DERP map changed. */
    public void kick() {
        homeRelay.kick();
        wake.release();
    }

    /** What the UDP socket brings: STUN to the running netcheck, DISCO to the prober, the rest to WireGuard. */
    private final class Datagrams implements UdpReader.Receiver {
        @Override
        public void stun(byte[] packet) {
            NetcheckRound r = round;
            if (r != null) {
                r.accept(packet, System.nanoTime());
            }
        }

        @Override
        public void disco(byte[] packet, InetSocketAddress from) {
            prober.onUdp(packet, from, System.nanoTime());
        }

        @Override
        public void wireGuard(byte[] buf, int off, int len, InetSocketAddress from) {
            PublicKey owner = peers.ownerOf(from);
            if (owner != null) {
                PeerTable.Entry p = countReceived(owner, true, len);
                if (p != null) {
                    prober.onDirectData(p);
                }
                wireGuard.receiveFromPeer(buf, off, len, owner);
            } else {
                wireGuard.receiveUdp(buf, off, len, from); // the engine drops and counts what is not WireGuard
            }
        }

        @Override
        public void endOfBatch() {
            inner.endOfBatch();
            flushUdp();
        }
    }

    private final class DiscoTransport implements DiscoProber.Transport {
        @Override
        public void sendUdp(byte[] packet, InetSocketAddress to) {
            Magicsock.this.sendUdp(packet, to);
        }

        @Override
        public void sendDerp(int region, PublicKey peer, byte[] packet) {
            relays.send(derpMap(), region, peer, packet);
        }

        @Override
        public boolean derpConnected() {
            return relays.homeConnected();
        }

        @Override
        public void pathMoved() {
            pathsMovedListeners.forEach(Magicsock::tellPathsMoved);
        }
    }

    /** Sends one datagram now (DISCO, STUN), with whatever else was held. */
    private void sendUdp(byte[] packet, InetSocketAddress to) {
        queueUdp(packet, 0, packet.length, to);
        flushUdp();
    }

    /** Holds a datagram for the next {@link #flushUdp()}. */
    private void queueUdp(byte[] buf, int off, int len, InetSocketAddress to) {
        try {
            udp.send(buf, off, len, to);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "UDP send to " + to + " failed", e);
        }
    }

    /**
     * Counts a datagram from a peer by path (what the engine then refuses is counted among its
     * drops too); returns the peer's entry, or null if it is no peer now.
     */
    private PeerTable.Entry countReceived(PublicKey peer, boolean direct, int len) {
        PeerTable.Entry p = peers.get(peer);
        if (p != null) {
            p.traffic().received(direct, len);
        }
        return p;
    }

    private void onDerpPacket(int region, PublicKey source, byte[] packet) {
        try {
            onRelayed(region, source, packet);
        } catch (RuntimeException e) {
            derpDrops.record(e, System.nanoTime());
        }
    }

    private void onRelayed(int region, PublicKey source, byte[] packet) {
        if (!DiscoPacket.looksLikeDisco(packet)) {
            PeerTable.Entry p = countReceived(source, false, packet.length);
            // The peer lost its direct path to us: ours to it is in doubt before this packet's
            // answer goes out, and what it has not acknowledged is resent once it is delivered.
            boolean doubted = p != null && prober.onRelayedData(p, System.nanoTime());
            wireGuard.receiveFromPeer(packet, 0, packet.length, source);
            inner.endOfBatch();
            if (doubted) {
                pathsMovedListeners.forEach(Magicsock::tellPathsMoved);
            }
            flushUdp();
            return;
        }
        prober.onDerp(packet, region, source, System.nanoTime());
    }

    /**
     * Pings {@code peer} as {@code tailscale ping} does: with {@link PingPath#ANY}, only its proven
     * direct path if it has one, else through DERP and to every candidate endpoint at once;
     * returns the first answer and the path its ping took. A direct answer also proves the path
     * for data.
     *
     * @throws TimeoutException if no answer came within {@code timeout}
     */
    public PingResult ping(Node peer, PingPath paths, Duration timeout) throws IOException, TimeoutException {
        if (peer.discoKey() == null || peer.key() == null) {
            throw new IOException(peer.name() + " announces no disco key, so it cannot be pinged");
        }
        if (expiry.expired(peer)) {
            throw new IOException(peer.name() + "'s node key has expired");
        }
        PeerTable.Entry p = peers.of(peer);
        if (p == null) {
            throw new IOException(peer.name() + " is not in this node's netmap yet");
        }
        try (DiscoProber.Ping ping = prober.ping(p, paths, System.nanoTime())) {
            return ping.answer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | InterruptedException e) {
            throw new IOException("ping of " + peer.name() + " interrupted", e);
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer from " + peer.name() + " within " + timeout);
        }
    }

    /** How each peer is reached right now: its proven direct path or its relay, last handshake and traffic. */
    public List<PeerPathStatus> peerPaths() {
        long now = System.nanoTime();
        List<PeerPathStatus> out = new ArrayList<>();
        wireGuard.peers().forEach((key, wg) -> {
            PeerTable.Entry p = peers.get(key);
            InetSocketAddress direct = p == null ? null : p.path().trustedDirect(now);
            String path = direct != null ? EndpointText.format(direct)
                    : p != null && p.homeRegion() != 0 ? "DERP(" + regionCode(p.homeRegion()) + ")" : "none";
            String name = p != null ? p.name() : key.shortString();
            out.add(new PeerPathStatus(name, path, wg.handshakesCompleted() == 0 ? null : wg.lastHandshakeTime(),
                    wg.rxBytes(), wg.txBytes(), direct == null ? null : p.path().trustedLatency(now)));
        });
        out.sort(Comparator.comparing(PeerPathStatus::peer));
        return out;
    }

    /**
     * Each peer's WireGuard datagrams by path, two entries a peer ({@code direct}, {@code derp}),
     * named as control names it; for the node's metrics. A peer's counts start when it appears.
     */
    public List<PeerTraffic> peerTraffic() {
        List<PeerTraffic> out = new ArrayList<>();
        for (PeerTable.Entry p : peers.all()) {
            PathTraffic t = p.traffic();
            for (boolean direct : new boolean[] {true, false}) {
                out.add(new PeerTraffic(p.name(), direct ? "direct" : "derp", t.receivedBytes(direct),
                        t.receivedPackets(direct), t.sentBytes(direct), t.sentPackets(direct)));
            }
        }
        out.sort(Comparator.comparing(PeerTraffic::peer).thenComparing(PeerTraffic::path));
        return out;
    }

    /** WireGuard handshakes completed with any peer. */
    public long handshakesCompleted() {
        return wireGuard.counters().get(Counters.Event.HANDSHAKES_COMPLETED);
    }

    /** DISCO pings this node sent to probe paths (and for {@link #ping}). */
    public long discoPingsSent() {
        return prober.pingsSent();
    }

    /** DISCO pongs that answered one of this node's pings. */
    public long discoPongsReceived() {
        return prober.pongsReceived();
    }

    /** Peers' DISCO pings this node answered. */
    public long discoPingsAnswered() {
        return prober.pingsAnswered();
    }

    /** Connections opened to DERP relays, reconnects included. */
    public long derpConnects() {
        return relays.connects();
    }

    /** Bytes each peer has sent this node over WireGuard so far, by node key: which peers are in use. */
    public Map<PublicKey, Long> receivedBytes() {
        Map<PublicKey, Long> out = new HashMap<>();
        wireGuard.peers().forEach((key, wg) -> out.put(key, wg.rxBytes()));
        return out;
    }

    /**
     * What this socket has dropped so far, by reason: the WireGuard engine's refusals (since
     * the last key rotation) and the UDP and DERP inputs whose handling threw. Internal: the
     * hostile-input and soak tests read it; it is not part of the node's API.
     */
    public Map<String, Long> droppedInputs() {
        Map<String, Long> out = new TreeMap<>();
        wireGuard.counters().snapshot().forEach((reason, n) -> {
            if (reason.startsWith("dropped_")) {
                out.put("wireguard_" + reason.substring("dropped_".length()), n);
            }
        });
        out.put("udp_failed", udpDroppedBefore + udpReader.dropped());
        out.put("derp_failed", derpDrops.total());
        return out;
    }

    private DerpMap derpMap() {
        return netmap.get().derpMap().orElse(null);
    }

    private String regionCode(int region) {
        return netmap.get().derpMap().map(m -> m.regions().get(region)).map(DerpMap.Region::regionCode)
                .orElse(Integer.toString(region));
    }

    /**
     * The host's network changed (the monitor says so, or an embedder that knows better): the
     * maintenance thread carries out what {@link RebindPlan} says, at once, before its next round.
     * Changes that come before it gets to them add up.
     */
    public void networkChanged(NetworkChange change) {
        RebindPlan plan = RebindPlan.of(change);
        if (!plan.isNothing()) {
            rebindSoon(plan);
        }
    }

    /**
     * Tells {@code listener}, on the maintenance thread at each rebind, which TCP connections
     * went out a way the change closed: those whose local address the predicate accepts (all of
     * them after a switch of uplink or default route). The relay connections are closed and the
     * UDP socket rebound by then; the node closes its control connection by the same rule, so it
     * is dialled again at once instead of waiting for its watchdog.
     *
     * @param listener told of each rebind; it must be quick and is not to throw
     */
    public void onStranded(Consumer<Predicate<InetAddress>> listener) {
        strandedListeners.add(listener);
    }

    /**
     * Tells {@code listener} each time paths moved under the traffic: on the maintenance thread
     * when a rebind moved every peer's path (the socket bound afresh, direct paths reset), and on
     * the thread that read the pong when a peer's direct path moved to another address after the
     * old one stopped being trusted (the peer changed networks), and on a relay's reader thread
     * when a peer whose data came direct starts sending through DERP while we still trusted our
     * direct path to it (the peer changed networks, and our path leads to where it was). What
     * was in flight went down the old way and is lost, so the netstack's TCP sends it again now
     * instead of waiting out its backed-off timer.
     *
     * @param listener told of each such rebind; it must be quick and is not to throw
     */
    public void onPathsMoved(Runnable listener) {
        pathsMovedListeners.add(listener);
    }

    private static void tellStranded(Consumer<Predicate<InetAddress>> listener, RebindPlan plan) {
        try {
            listener.accept(plan::strands);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "acting on a rebind failed", e);
        }
    }

    private static void tellPathsMoved(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "acting on moved paths failed", e);
        }
    }

    private void rebindSoon(RebindPlan plan) {
        pendingRebind.accumulateAndGet(plan, RebindPlan::and);
        wake.release();
    }

    /**
     * Readies {@code socket} as every host socket of the node (through the active uplink, if there
     * are uplinks; marked in TUN mode). Should that fail (the interface is gone), it follows the
     * default route until the next switch.
     */
    private static void bindToUplink(SocketBinder hostSockets, UdpBatchSocket socket) {
        try {
            hostSockets.bindUdp(socket.port(), null);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "UDP port {0} follows the default route: {1}", String.valueOf(socket.port()),
                    e.getMessage());
        }
    }

    /** Network changes handled so far with at least a netcheck; for tests and the log. */
    public long rebinds() {
        return rebinds.sum();
    }

    /**
     * Step one of a rebind, on the maintenance thread: dead relay connections go, the socket is
     * bound afresh, direct paths are forgotten, every peer in use is probed with a call-me-maybe
     * naming our local endpoints and the netstack resends what was in flight; the netcheck round
     * that follows reconnects home and reports our new endpoints, and then every peer in use is
     * probed again with them.
     */
    private void rebind(RebindPlan plan) {
        long start = System.nanoTime();
        // Paths first: data turns to the relays at once (a closed one is dialled again by the
        // first packet for it) while the socket is being rebound, which may take a moment.
        int closed = relays.closeStranded(plan::strands);
        if (plan.resetPaths()) {
            peers.all().forEach(p -> p.path().reset());
        }
        if (plan.rebindUdp()) {
            rebindUdp();
        }
        if (plan.restun()) {
            portMapper.networkChanged(); // the gateway may be another one now
            homeRelay.kick();
        }
        if (plan.resetPaths()) {
            // Peers hear at once that our old endpoints are gone, not after the netcheck: the
            // call-me-maybe names our local endpoints alone, and each peer drops its path to the
            // old public one (its data comes through DERP until the netcheck's endpoints prove out).
            homeRelay.wayOutMoved(LocalEndpoints.of(port()));
            prober.rediscover(System.nanoTime());
            pathsMovedListeners.forEach(Magicsock::tellPathsMoved);
        }
        // Last: the data path comes first, the control connection's redial is not urgent for it.
        strandedListeners.forEach(l -> tellStranded(l, plan));
        rebinds.increment();
        LOG.log(Level.INFO, "rebind after a network change: UDP {0}, {1} relay connection(s) closed, direct paths {2} ({3} ms)",
                plan.rebindUdp() ? "rebound to port " + port() : "kept", closed,
                plan.resetPaths() ? "reset" : "kept", (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Closes the UDP socket and binds its port again (another if something took it meanwhile,
     * which the next netcheck reports to control). WireGuard sessions do not notice: they know
     * peers by key, and magicsock picks the socket.
     */
    private void rebindUdp() {
        UdpBatchSocket old = udp;
        int port = old.port();
        long dropped = udpReader.dropped();
        old.close();
        UdpBatchSocket fresh;
        try {
            fresh = UdpBatchSocket.open(port, SOCKET_BUFFER_BYTES);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "UDP port {0} is taken since the rebind; using another", String.valueOf(port));
            try {
                fresh = UdpBatchSocket.open(0, SOCKET_BUFFER_BYTES);
            } catch (IOException again) {
                LOG.log(Level.ERROR, "cannot bind a UDP socket after the network changed; peers go through DERP "
                        + "until the next change", again);
                return;
            }
        }
        bindToUplink(settings.hostSockets(), fresh);
        udpDroppedBefore += dropped;
        udp = fresh;
        startReader(fresh);
    }

    /** The home relay dropped us (it restarted, or the network changed): measure and reconnect now. */
    private void derpLost(int region) {
        LOG.log(Level.INFO, "lost the connection to DERP region {0}; reconnecting", region);
        kick();
    }

    /** Runs {@link HomeRelay}: a netcheck round when one is due, else sleeps until one is or a kick. */
    private void maintain() {
        rejoinLastHome();
        while (running) {
            RebindPlan plan = pendingRebind.getAndSet(RebindPlan.NOTHING);
            if (!plan.isNothing()) {
                rebind(plan);
            }
            if (homeRelay.startRound(System.nanoTime())) {
                measure();
                relays.closeIdle(System.nanoTime());
                homeRelay.roundDone(System.nanoTime(), relays.homeConnected());
            }
            if (plan.resetPaths()) {
                prober.rediscover(System.nanoTime()); // after the netcheck: the call-me-maybe names our new endpoints
            }
            try {
                wake.tryAcquire(homeRelay.nanosUntilRound(System.nanoTime()), TimeUnit.NANOSECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Peers send through the last home relay until the first netcheck has found one ({@link HomeRelay#rejoin}). */
    private void rejoinLastHome() {
        DerpMap map = derpMap();
        int last = HomeRelay.rejoin(map, netmap.get().self().map(Node::homeRegion).orElse(0));
        if (last == 0) {
            return;
        }
        try {
            relays.ensureHome(map, last);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot rejoin the last home relay; the netcheck picks one", e);
        }
    }

    private void measure() {
        DerpMap map = derpMap();
        if (!HomeRelay.measurable(map)) {
            return;
        }
        try {
            NetcheckReport report = netcheck(map);
            if (report == null) {
                return; // the network changed meanwhile: the rebind measures again
            }
            relays.ensureHome(map, homeRelay.chooseHome(map, report, relays.home()));
            lastReport = report;
            homeRelay.measured(report, relays.home(), portMapper.mapped(port()), LocalEndpoints.of(port()));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "magicsock maintenance failed; retrying next interval", e);
        }
    }

    /**
     * One STUN round; null if a network change came in meanwhile. The round then measured a
     * network that is gone (perhaps waiting out STUN answers that will never come over a link
     * that went), and the rebind waiting behind it on this thread matters more: it runs now and
     * measures again.
     */
    private NetcheckReport netcheck(DerpMap map) throws IOException {
        NetcheckRound r = new NetcheckRound(map, RANDOM);
        round = r;
        try {
            for (int pass = 0; pass < 2 && !r.complete() && pendingRebind.get().isNothing(); pass++) {
                for (NetcheckRound.Request q : r.requests(System.nanoTime())) {
                    sendUdp(q.packet(), q.target());
                }
                long until = System.nanoTime() + NETCHECK_WAIT.toNanos() / 2;
                while (System.nanoTime() < until && !r.complete() && running && pendingRebind.get().isNothing()) {
                    Thread.sleep(5);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            round = null;
        }
        return pendingRebind.get().isNothing() ? r.report(Instant.now()) : null;
    }

    @Override
    public void close() {
        running = false;
        monitor.close();
        if (settings.uplinks() != null) {
            settings.uplinks().close();
        }
        portMapper.close();
        udp.close();
        maintenance.interrupt();
        ticker.interrupt();
        relays.close();
        try {
            reader.join(Duration.ofSeconds(5));
            maintenance.join(Duration.ofSeconds(5));
            ticker.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
