package io.microlink.magicsock;

import io.microlink.PeerPathStatus;
import io.microlink.PingPath;
import io.microlink.PingResult;
import io.microlink.control.Backoff;
import io.microlink.control.wire.DerpMap;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.Node;
import io.microlink.crypto.CryptoException;
import io.microlink.derp.DerpClient;
import io.microlink.disco.DiscoMessage;
import io.microlink.disco.DiscoPacket;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.netcheck.HomeDerpSelector;
import io.microlink.netcheck.NetcheckReport;
import io.microlink.netcheck.NetcheckRound;
import io.microlink.netmap.Netmap;
import io.microlink.stun.StunMessage;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;

/**
 * The node's network presence: one UDP socket shared by STUN, DISCO and WireGuard, a
 * netcheck every interval that picks the home DERP region, a connection to that region, and
 * DISCO pings answered on whichever path they came by (and our own pings, {@link #ping}).
 * What it learns (home region, latencies, endpoints) goes to control through the
 * {@link Reporter}, so peers reach us through the relay we are really connected to.
 * WireGuard rides the same paths through {@link WireGuardLink}.
 *
 * <p>Not here yet: path choice by DISCO (the engine follows a peer's latest authenticated
 * path), call-me-maybe, and DERP connections to regions other than home.
 */
public final class Magicsock implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.magicsock");
    private static final Duration NETCHECK_WAIT = Duration.ofMillis(1500);
    private static final Duration DERP_TIMEOUT = Duration.ofSeconds(10);
    /** The WireGuard engine's timers are checked this often. */
    private static final Duration TICK = Duration.ofMillis(100);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    /** tailscale's EndpointType values. */
    static final int ENDPOINT_LOCAL = 1;
    static final int ENDPOINT_STUN = 2;

    /** An address peers may try, with its kind ({@code 1} local interface, {@code 2} seen by STUN). */
    public record Endpoint(InetSocketAddress address, int type) {
        /** As control expects it: "1.2.3.4:5" or "[2001:db8::1]:5". */
        public String text() {
            return hostPort(address);
        }
    }

    /** Receives what the node should tell control; called on the maintenance thread. */
    @FunctionalInterface
    public interface Reporter {
        void report(Hostinfo.NetInfo netInfo, List<Endpoint> endpoints);
    }

    /**
     * @param port            UDP port, 0 for any
     * @param derpTransport   TLS in the real world; plain HTTP only for test tailnets
     * @param netcheckInterval how often to re-measure
     */
    public record Settings(int port, DerpClient.Transport derpTransport, SSLContext tls, Duration netcheckInterval) {}

    private final Settings settings;
    private final DatagramSocket udp;
    private final DiscoEndpoint disco;
    private final Map<String, PendingPing> pendingPings = new ConcurrentHashMap<>();
    private final Supplier<PrivateKey> nodeKey;
    private final Supplier<Netmap> netmap;
    private final Reporter reporter;
    private final HomeDerpSelector selector = new HomeDerpSelector();
    private final Backoff derpRetry = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30),
            RandomGenerator.getDefault());
    private final Semaphore wake = new Semaphore(0);
    private final Thread reader;
    private final Thread maintenance;
    private final Thread ticker;
    private volatile WireGuardLink wireGuard;
    private volatile boolean running = true;
    private volatile NetcheckRound round;
    private volatile DerpClient derp;
    private volatile int derpRegion;
    private volatile PublicKey derpIdentity;
    private Hostinfo.NetInfo lastNetInfo;
    private List<Endpoint> lastEndpoints = List.of();

    private Magicsock(Settings settings, DatagramSocket udp, PrivateKey discoKey, Supplier<PrivateKey> nodeKey,
                      Supplier<Netmap> netmap, Reporter reporter) {
        this.settings = settings;
        this.udp = udp;
        this.disco = new DiscoEndpoint(discoKey);
        this.nodeKey = nodeKey;
        this.netmap = netmap;
        this.reporter = reporter;
        this.wireGuard = newLink();
        this.reader = Thread.ofVirtual().name("microlink-udp").start(this::readLoop);
        this.maintenance = Thread.ofVirtual().name("microlink-magicsock").start(this::maintain);
        this.ticker = Thread.ofVirtual().name("microlink-wg-timers").start(this::tickLoop);
    }

    /**
     * Binds the UDP socket and starts measuring and answering.
     *
     * @param nodeKey supplies the current node key (it changes when the key is rotated)
     */
    public static Magicsock start(Settings settings, PrivateKey discoKey, Supplier<PrivateKey> nodeKey,
                                  Supplier<Netmap> netmap, Reporter reporter) throws SocketException {
        DatagramSocket udp = new DatagramSocket(new InetSocketAddress(settings.port()));
        return new Magicsock(settings, udp, discoKey, nodeKey, netmap, reporter);
    }

    public int port() {
        return udp.getLocalPort();
    }

    private WireGuardLink newLink() {
        WireGuardLink link = new WireGuardLink(nodeKey.get(), new WireGuardLink.Paths() {
            @Override
            public void sendUdp(byte[] packet, InetSocketAddress to) {
                Magicsock.this.sendUdp(packet, to);
            }

            @Override
            public void sendDerp(PublicKey peer, int region, byte[] packet) {
                // Only the home connection exists so far; the server relays to peers connected to it.
                DerpClient d = derp;
                if (d != null) {
                    try {
                        d.send(peer, packet);
                    } catch (IOException e) {
                        LOG.log(Level.DEBUG, "DERP send failed", e);
                    }
                }
            }
        });
        link.sync(netmap.get());
        return link;
    }

    /** Takes a new netmap: WireGuard peers and routes follow it; a rotated node key rebuilds the link. */
    public void updatePeers(Netmap next) {
        WireGuardLink link = wireGuard;
        if (!link.nodeKey().equals(nodeKey.get().publicKey())) {
            wireGuard = newLink();
        } else {
            link.sync(next);
        }
    }

    private void tickLoop() {
        while (running) {
            try {
                Thread.sleep(TICK);
                wireGuard.tick();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "WireGuard timer tick failed", e);
            }
        }
    }

    /** Re-measure now, e.g. because the DERP map changed. */
    public void kick() {
        wake.release();
    }

    private void readLoop() {
        byte[] buf = new byte[65535];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                if (running) {
                    LOG.log(Level.WARNING, "UDP receive failed", e);
                }
                return;
            }
            byte[] p = Arrays.copyOf(buf, packet.getLength());
            InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
            if (StunMessage.looksLikeStun(p)) {
                NetcheckRound r = round;
                if (r != null) {
                    r.accept(p, System.nanoTime());
                }
            } else if (DiscoPacket.looksLikeDisco(p)) {
                onDisco(disco.handle(p, from, this::isPeer), hostPort(from), reply -> sendUdp(reply, from));
            } else {
                wireGuard.receiveUdp(p, from); // the engine drops and counts what is not WireGuard
            }
        }
    }

    private boolean isPeer(PublicKey discoKey) {
        return netmap.get().peerByDiscoKey(discoKey).isPresent();
    }

    private void sendUdp(byte[] packet, InetSocketAddress to) {
        try {
            udp.send(new DatagramPacket(packet, packet.length, to));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "UDP send to " + to + " failed", e);
        }
    }

    private void onDerpPacket(int region, PublicKey source, byte[] packet) {
        if (!DiscoPacket.looksLikeDisco(packet)) {
            wireGuard.receiveDerp(packet, source, region);
            return;
        }
        onDisco(disco.handle(packet, DiscoEndpoint.derpPath(region), this::isPeer), "DERP(" + regionCode(region) + ")",
                reply -> {
                    try {
                        DerpClient d = derp;
                        if (d != null) {
                            d.send(source, reply);
                        }
                    } catch (IOException e) {
                        LOG.log(Level.DEBUG, "DERP reply failed", e);
                    }
                });
    }

    private void onDisco(DiscoEndpoint.Outcome outcome, String path, java.util.function.Consumer<byte[]> replyOnPath) {
        switch (outcome) {
            case DiscoEndpoint.Reply r -> replyOnPath.accept(r.packet());
            case DiscoEndpoint.PongReceived pong -> {
                PendingPing p = pendingPings.remove(HEX.formatHex(pong.txId()));
                if (p != null) {
                    p.answer().complete(new PingResult(p.peer(), path, Duration.ofNanos(System.nanoTime() - p.sentNanos())));
                }
            }
            case DiscoEndpoint.Ignored i -> { }
        }
    }

    private record PendingPing(String peer, long sentNanos, CompletableFuture<PingResult> answer) {}

    /**
     * Sends a DISCO ping to {@code peer} through the relay and, with {@link PingPath#ANY}, to every
     * UDP endpoint it advertises; returns the first answer and the path it came back on.
     *
     * @throws TimeoutException if no answer came within {@code timeout}
     */
    public PingResult ping(Node peer, PingPath paths, Duration timeout) throws IOException, TimeoutException {
        if (peer.discoKey() == null || peer.key() == null) {
            throw new IOException(peer.name() + " announces no disco key, so it cannot be pinged");
        }
        byte[] tx = new byte[DiscoMessage.TX_ID_LENGTH];
        RANDOM.nextBytes(tx);
        PendingPing pending = new PendingPing(peer.name(), System.nanoTime(), new CompletableFuture<>());
        pendingPings.put(HEX.formatHex(tx), pending);
        try {
            byte[] packet = disco.ping(PublicKey.parse(KeyKind.DISCO, peer.discoKey()), tx, nodeKey.get().publicKey());
            // Direct first: a UDP datagram is cheap and must not wait behind the relay's TCP write.
            if (paths == PingPath.ANY && peer.endpoints() != null) {
                for (String endpoint : peer.endpoints()) {
                    sendUdp(packet, parseEndpoint(endpoint));
                }
            }
            DerpClient d = derp;
            if (d != null && d.isConnected()) {
                d.send(PublicKey.parse(KeyKind.NODE, peer.key()), packet);
            } else if (paths == PingPath.DERP) {
                throw new IOException("no DERP connection yet (the first netcheck takes a moment after start)");
            }
            return pending.answer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (CryptoException e) {
            throw new IOException(peer.name() + "'s disco key is unusable", e);
        } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
            throw new IOException("ping of " + peer.name() + " interrupted", e);
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer from " + peer.name() + " within " + timeout);
        } finally {
            pendingPings.remove(HEX.formatHex(tx));
        }
    }

    /** How each peer is reached right now: its WireGuard endpoint, last handshake and traffic. */
    public List<PeerPathStatus> peerPaths() {
        Netmap map = netmap.get();
        List<PeerPathStatus> out = new ArrayList<>();
        wireGuard.peers().forEach((key, p) -> {
            InetSocketAddress to = p.endpoint();
            int region = to == null ? -1 : WireGuardLink.derpRegion(to);
            String path = to == null ? "none" : region >= 0 ? "DERP(" + regionCode(region) + ")" : hostPort(to);
            String name = map.peerByNodeKey(key).map(Node::name).orElse(key.shortString());
            out.add(new PeerPathStatus(name, path, p.handshakesCompleted() == 0 ? null : p.lastHandshakeTime(),
                    p.rxBytes(), p.txBytes()));
        });
        out.sort(java.util.Comparator.comparing(PeerPathStatus::peer));
        return out;
    }

    private String regionCode(int region) {
        return netmap.get().derpMap().map(m -> m.regions().get(region)).map(DerpMap.Region::regionCode)
                .orElse(Integer.toString(region));
    }

    /** "1.2.3.4:5" or "[2001:db8::1]:5", as control and tailscale write endpoints. */
    static String hostPort(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    private static InetSocketAddress parseEndpoint(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        String host = endpoint.substring(0, colon).replace("[", "").replace("]", "");
        return new InetSocketAddress(host, Integer.parseInt(endpoint.substring(colon + 1)));
    }

    /** The relay dropped us (it restarted, or the network changed): measure and reconnect now. */
    private void derpLost() {
        LOG.log(Level.INFO, "lost the connection to DERP region {0}; reconnecting", derpRegion);
        kick();
    }

    private void maintain() {
        while (running) {
            DerpMap map = netmap.get().derpMap().orElse(null);
            if (map != null && map.regions() != null && !map.regions().isEmpty()) {
                try {
                    NetcheckReport report = netcheck(map);
                    int home = selector.update(report);
                    if (home == 0) {
                        home = derpRegion != 0 ? derpRegion : fallbackRegion(map); // always have a home
                    }
                    ensureDerp(map, home);
                    report(report);
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.DEBUG, "magicsock maintenance failed; retrying next interval", e);
                }
            }
            // Without a relay peers may not reach us at all: retry that soon, with backoff.
            DerpClient d = derp;
            Duration wait = d != null && d.isConnected() ? settings.netcheckInterval()
                    : min(derpRetry.next(), settings.netcheckInterval());
            if (d != null && d.isConnected()) {
                derpRetry.reset();
            }
            try {
                wake.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private NetcheckReport netcheck(DerpMap map) throws IOException {
        NetcheckRound r = new NetcheckRound(map, RANDOM);
        round = r;
        try {
            for (int pass = 0; pass < 2 && !r.complete(); pass++) {
                for (NetcheckRound.Request q : r.requests(System.nanoTime())) {
                    sendUdp(q.packet(), q.target());
                }
                long until = System.nanoTime() + NETCHECK_WAIT.toNanos() / 2;
                while (System.nanoTime() < until && !r.complete() && running) {
                    Thread.sleep(20);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            round = null;
        }
        return r.report(Instant.now());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static int fallbackRegion(DerpMap map) {
        return map.regions().keySet().stream().min(Integer::compare).orElse(0);
    }

    private void ensureDerp(DerpMap map, int home) throws IOException {
        DerpClient current = derp;
        PublicKey identity = nodeKey.get().publicKey();
        if (current != null && current.isConnected() && derpRegion == home && identity.equals(derpIdentity)) {
            return;
        }
        if (current != null) {
            current.close();
        }
        DerpMap.Region region = map.regions().get(home);
        if (region == null || region.nodes() == null || region.nodes().isEmpty()) {
            return;
        }
        DerpClient next = DerpClient.connect(region.nodes().getFirst(), settings.derpTransport(), settings.tls(),
                nodeKey.get(), (src, packet) -> onDerpPacket(home, src, packet), this::derpLost, DERP_TIMEOUT);
        next.notePreferred(true);
        derp = next;
        derpRegion = home;
        derpIdentity = identity;
        LOG.log(Level.INFO, "home DERP region {0}", home);
    }

    private void report(NetcheckReport report) {
        List<Endpoint> endpoints = new ArrayList<>();
        report.global().ifPresent(g -> endpoints.add(new Endpoint(g, ENDPOINT_STUN)));
        for (InetSocketAddress local : LocalEndpoints.of(port())) {
            if (endpoints.stream().noneMatch(e -> e.address().equals(local))) {
                endpoints.add(new Endpoint(local, ENDPOINT_LOCAL));
            }
        }
        Hostinfo.NetInfo info = new Hostinfo.NetInfo(derpRegion == 0 ? null : derpRegion,
                report.derpLatencyForControl(), report.udpWorks(), false);
        // Latencies jitter every round; control only hears when the home or the endpoints change.
        boolean changed = lastNetInfo == null || !Objects.equals(lastNetInfo.preferredDerp(), info.preferredDerp())
                || !Objects.equals(lastNetInfo.workingUdp(), info.workingUdp()) || !lastEndpoints.equals(endpoints);
        if (changed) {
            lastNetInfo = info;
            lastEndpoints = List.copyOf(endpoints);
            reporter.report(info, lastEndpoints);
        }
    }

    @Override
    public void close() {
        running = false;
        udp.close();
        maintenance.interrupt();
        ticker.interrupt();
        DerpClient d = derp;
        if (d != null) {
            try {
                d.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing DERP", e);
            }
        }
        try {
            reader.join(Duration.ofSeconds(5));
            maintenance.join(Duration.ofSeconds(5));
            ticker.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
