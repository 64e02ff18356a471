package io.microlink.magicsock;

import io.microlink.PingPath;
import io.microlink.PingResult;
import io.microlink.crypto.CryptoException;
import io.microlink.disco.DiscoMessage;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * DISCO with peers, sans I/O: their pings are answered on the path they came by; while a peer
 * carries traffic its candidate endpoints are pinged (when, {@link PeerPath} decides) and it is
 * asked through DERP to ping us back (call-me-maybe, which opens both NATs); a pong proves
 * its path for data and answers {@link #ping} callers. The caller passes the time and
 * supplies the {@link Transport}, so tests drive it with a fake clock and see what it sends.
 *
 * <pre>{@code
 * DiscoProber prober = new DiscoProber(discoKey, peers, transport, ownNodeKey, ownEndpoints, regionCode);
 * prober.onTraffic(peer, now);                 // data is going to this peer
 * prober.tick(now);                            // heartbeats and discovery, every 100 ms
 * prober.onUdp(packet, from, now);             // a DISCO datagram arrived
 * try (DiscoProber.Ping p = prober.ping(peer, PingPath.ANY, now)) { p.answer().get(...); }
 * }</pre>
 */
final class DiscoProber {
    private static final System.Logger LOG = System.getLogger("io.microlink.magicsock");
    /** Our probe pings that got no pong by then are forgotten, as in tailscale. */
    static final long PING_TIMEOUT_NANOS = 5_000_000_000L;
    /**
     * Pings awaiting a pong, at most; beyond it the oldest are forgotten (their pongs no longer
     * prove anything). Probes are a few per active peer every few seconds, but a call-me-maybe
     * has every endpoint it lists pinged at once, and a peer may send many.
     */
    static final int MAX_PENDING_PINGS = 4096;
    /**
     * Discovery pings to all peers together per {@link #PING_TIMEOUT_NANOS}, at most: as many as
     * can await a pong, so probes never push each other's pending pings out. Each peer has its
     * own smaller bound ({@link PeerPath#MAX_PINGS_PER_WINDOW}); this one holds when many
     * peers, or many node keys of one user, flood call-me-maybes together.
     */
    static final int MAX_PROBE_PINGS_PER_WINDOW = MAX_PENDING_PINGS;
    /**
     * Endpoints taken from one call-me-maybe, at most; the rest are ignored. A peer lists its
     * interface addresses and what STUN saw, a handful; a DERP frame could carry thousands,
     * and each is pinged at once. No more than a path keeps learned.
     */
    static final int MAX_CALL_ME_MAYBE_ENDPOINTS = PeerPath.MAX_LEARNED;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    /** Where DISCO packets go. */
    interface Transport {
        /** One datagram, sent now. */
        void sendUdp(byte[] packet, InetSocketAddress to);

        /** Through the relay of {@code region} (home when 0) to a peer's node key. */
        void sendDerp(int region, PublicKey peer, byte[] packet);

        /** Whether the home relay is connected, without which a ping through DERP goes nowhere. */
        boolean derpConnected();

        /**
         * A peer's direct path moved: a pong proved another address after the one in use stopped
         * being trusted, so what went down the old one meanwhile is lost.
         */
        default void pathMoved() { }
    }

    /** A ping in flight: to a UDP endpoint ({@code to}) or through DERP ({@code to} null). */
    private record PendingPing(PublicKey peer, InetSocketAddress to, long sentNanos,
                               CompletableFuture<PingResult> answer) {}

    /** A {@link #ping} in flight; closing it forgets its pings, answered or not. */
    final class Ping implements AutoCloseable {
        private final CompletableFuture<PingResult> answer = new CompletableFuture<>();
        private final List<String> txIds = new ArrayList<>();

        /** The first pong's path and round trip. */
        CompletableFuture<PingResult> answer() {
            return answer;
        }

        @Override
        public void close() {
            synchronized (pending) {
                txIds.forEach(pending::remove);
            }
        }
    }

    private final DiscoEndpoint disco;
    private final PeerTable peers;
    private final Transport transport;
    private final Supplier<PublicKey> ownNodeKey;
    private final Supplier<List<InetSocketAddress>> ownEndpoints;
    private final IntFunction<String> regionCode;
    private final Map<String, PendingPing> pending = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PendingPing> eldest) {
            return size() > MAX_PENDING_PINGS;
        }
    };
    /** Peers that sent data recently, the only ones whose paths are probed. */
    private final Set<PublicKey> active = ConcurrentHashMap.newKeySet();
    /** For the node's metrics: pings we sent, pongs that answered one of them, peers' pings we answered. */
    private final LongAdder pingsSent = new LongAdder();
    private final LongAdder pongsReceived = new LongAdder();
    private final LongAdder pingsAnswered = new LongAdder();
    /** Probe pings sent in the window that started at {@link #windowStartNanos}; guarded by {@code this}. */
    private int probesInWindow;
    private long windowStartNanos;
    private boolean everProbed;

    /**
     * @param ownNodeKey   the node key our pings announce (it changes when the key is rotated)
     * @param ownEndpoints where peers may reach us, offered in call-me-maybe
     * @param regionCode   a DERP region's code, for the path a ping's answer names
     */
    DiscoProber(PrivateKey discoKey, PeerTable peers, Transport transport, Supplier<PublicKey> ownNodeKey,
                Supplier<List<InetSocketAddress>> ownEndpoints, IntFunction<String> regionCode) {
        this.disco = new DiscoEndpoint(discoKey);
        this.peers = peers;
        this.transport = transport;
        this.ownNodeKey = ownNodeKey;
        this.ownEndpoints = ownEndpoints;
        this.regionCode = regionCode;
    }

    /** Data is going to {@code peer}: its first packet starts discovery at once, not at the next tick. */
    void onTraffic(PeerTable.Entry peer, long nowNanos) {
        if (active.add(peer.nodeKey())) {
            probe(peer, nowNanos);
        }
    }

    /** Probes the peers that carried traffic lately, drops the others, forgets unanswered probes. */
    void tick(long nowNanos) {
        active.removeIf(key -> {
            PeerTable.Entry p = peers.get(key);
            if (p == null || !p.path().active(nowNanos)) {
                return true;
            }
            probe(p, nowNanos);
            return false;
        });
        synchronized (pending) {
            pending.values().removeIf(pp -> pp.answer() == null && nowNanos - pp.sentNanos() > PING_TIMEOUT_NANOS);
        }
    }

    /**
     * Our network changed ({@link PeerPath#reset} has run on every peer): each peer in use gets
     * pings to all its endpoints and a call-me-maybe naming our endpoints as they are now, whatever
     * the spacing says, since one the ticker sent just before may have named the old ones.
     */
    void rediscover(long nowNanos) {
        for (PublicKey key : active) {
            PeerTable.Entry p = peers.get(key);
            if (p != null) {
                probe(p, nowNanos, true);
            }
        }
    }

    /** WireGuard data from {@code peer} came over a direct path it proved; called per datagram. */
    void onDirectData(PeerTable.Entry peer) {
        peer.path().receivedDirect();
    }

    /**
     * WireGuard data from {@code peer} came through the relay. If its data came direct before
     * while we still trust our direct path to it, the peer has lost its path to us and most
     * likely moved ({@link PeerPath#receivedThroughDerp}): our data goes through DERP too from
     * now and every candidate is pinged at once.
     *
     * @return whether the direct path lost our trust, so what went down it lately is lost: the
     *         caller has it sent again once this packet is delivered
     */
    boolean onRelayedData(PeerTable.Entry peer, long nowNanos) {
        if (!peer.path().receivedThroughDerp(nowNanos)) {
            return false;
        }
        active.add(peer.nodeKey());
        probe(peer, nowNanos);
        return true;
    }

    /** Stops probing peers the last netmap no longer has. */
    void forgetDeparted() {
        active.removeIf(key -> peers.get(key) == null);
    }

    /** A DISCO datagram from {@code from}: a pinger there learns that address of its own, and of us. */
    void onUdp(byte[] packet, InetSocketAddress from, long nowNanos) {
        switch (disco.handle(packet, from, this::isPeer)) {
            case DiscoEndpoint.Reply r -> {
                pingsAnswered.increment();
                transport.sendUdp(r.packet(), from);
                PeerTable.Entry p = peers.byDiscoKey(r.sender());
                if (p != null) {
                    peers.learn(p, from, false);
                }
            }
            case DiscoEndpoint.PongReceived pong -> onPong(pong, from, -1, nowNanos);
            case DiscoEndpoint.CallMeMaybeReceived c -> { } // only meaningful through the relay, as in tailscale
            case DiscoEndpoint.Ignored i -> { }
        }
    }

    long pingsSent() {
        return pingsSent.sum();
    }

    long pongsReceived() {
        return pongsReceived.sum();
    }

    long pingsAnswered() {
        return pingsAnswered.sum();
    }

    /** A DISCO packet that {@code source} sent through the relay of {@code region}. */
    void onDerp(byte[] packet, int region, PublicKey source, long nowNanos) {
        switch (disco.handle(packet, DiscoEndpoint.derpPath(region), this::isPeer)) {
            case DiscoEndpoint.Reply r -> {
                pingsAnswered.increment();
                transport.sendDerp(region, source, r.packet());
            }
            case DiscoEndpoint.CallMeMaybeReceived c -> {
                PeerTable.Entry p = peers.byDiscoKey(c.sender());
                // The relay vouches for the sender's node key: it must be the peer of that disco
                // key, or one peer could pass on another's call-me-maybe as its own (tailscale
                // drops those too).
                if (p != null && p.nodeKey().equals(source)) {
                    callBack(p, c.endpoints(), nowNanos);
                }
            }
            case DiscoEndpoint.PongReceived pong -> onPong(pong, null, region, nowNanos);
            case DiscoEndpoint.Ignored i -> { }
        }
    }

    private boolean isPeer(PublicKey discoKey) {
        return peers.knowsDiscoKey(discoKey);
    }

    /**
     * The peer pings us from {@code endpoints} right now: our pings there are the other half of
     * the hole punch. They only become candidates; a pong must prove each (see {@link PeerTable}).
     * IPv6 link-local ones are skipped, as tailscale does: without an interface they lead nowhere.
     */
    private void callBack(PeerTable.Entry p, List<InetSocketAddress> endpoints, long nowNanos) {
        p.path().listedByPeer(Set.copyOf(endpoints), nowNanos);
        endpoints.stream()
                .filter(e -> !(e.getAddress() instanceof Inet6Address a && a.isLinkLocalAddress()))
                .limit(MAX_CALL_ME_MAYBE_ENDPOINTS)
                .forEach(e -> peers.learn(p, e, true));
        active.add(p.nodeKey());
        p.path().route(nowNanos); // the peer wants a path now: count it as activity
        probe(p, nowNanos);
    }

    /** Sends the DISCO pings (and call-me-maybe) a peer's path state says are due, as far as the budget allows. */
    private void probe(PeerTable.Entry p, long nowNanos) {
        probe(p, nowNanos, false);
    }

    /** As {@link #probe(PeerTable.Entry, long)}; with {@code forceCall} the call-me-maybe goes whatever its spacing says. */
    private void probe(PeerTable.Entry p, long nowNanos, boolean forceCall) {
        if (p.discoKey() == null) {
            return;
        }
        forceCall &= p.path().discoveryAllowed();
        PeerPath.Probes due;
        synchronized (this) {
            if (!everProbed || nowNanos - windowStartNanos >= PING_TIMEOUT_NANOS) {
                everProbed = true;
                windowStartNanos = nowNanos;
                probesInWindow = 0;
            }
            due = p.path().probes(nowNanos, MAX_PROBE_PINGS_PER_WINDOW - probesInWindow);
            probesInWindow += due.pings().size();
        }
        if (due.pings().isEmpty() && !forceCall) {
            return;
        }
        try {
            for (InetSocketAddress to : due.pings()) {
                transport.sendUdp(newPing(p, to, nowNanos, null), to);
            }
            List<InetSocketAddress> own = ownEndpoints.get();
            if ((due.callMeMaybe() || forceCall) && !own.isEmpty()) {
                transport.sendDerp(p.homeRegion(), p.nodeKey(), disco.callMeMaybe(p.discoKey(), own));
            }
        } catch (CryptoException e) {
            LOG.log(Level.DEBUG, "cannot seal DISCO for " + p.name(), e);
        }
    }

    /**
     * A ping found no proven path: keep probing the peer from the ticker, and ask it through
     * DERP to ping our endpoints, which opens its NAT to the pings just sent.
     */
    private void startDiscovery(PeerTable.Entry peer, long nowNanos) throws CryptoException {
        active.add(peer.nodeKey());
        List<InetSocketAddress> own = ownEndpoints.get();
        if (peer.path().pingedAll(nowNanos) && !own.isEmpty() && transport.derpConnected()) {
            transport.sendDerp(peer.homeRegion(), peer.nodeKey(), disco.callMeMaybe(peer.discoKey(), own));
        }
    }

    /** A sealed ping to {@code to} (null: through DERP), remembered until its pong or its expiry. */
    private byte[] newPing(PeerTable.Entry p, InetSocketAddress to, long nowNanos, Ping caller) throws CryptoException {
        byte[] tx = new byte[DiscoMessage.TX_ID_LENGTH];
        RANDOM.nextBytes(tx);
        String id = HEX.formatHex(tx);
        synchronized (pending) {
            pending.put(id, new PendingPing(p.nodeKey(), to, nowNanos, caller == null ? null : caller.answer));
        }
        if (caller != null) {
            caller.txIds.add(id);
        }
        pingsSent.increment();
        return disco.ping(p.discoKey(), tx, ownNodeKey.get());
    }

    /**
     * A pong, through the relay of {@code region} or over UDP from {@code from} (null through
     * DERP). Over UDP it proves the path to the address pinged; the address it came from
     * becomes the peer's for WireGuard datagrams only if it is that same address.
     */
    private void onPong(DiscoEndpoint.PongReceived pong, InetSocketAddress from, int region, long nowNanos) {
        PendingPing ping;
        synchronized (pending) {
            ping = pending.remove(HEX.formatHex(pong.txId()));
        }
        PeerTable.Entry p = ping == null ? null : peers.get(ping.peer());
        if (p == null || !pong.sender().equals(p.discoKey())) {
            return;
        }
        pongsReceived.increment();
        long latency = nowNanos - ping.sentNanos();
        if (ping.to() != null && from != null) { // as in tailscale, a relayed pong proves no direct path
            boolean moved = p.path().onPong(ping.to(), latency, nowNanos);
            if (ping.to().equals(from)) {
                peers.prove(p, from, nowNanos);
            }
            if (moved) {
                transport.pathMoved();
            }
        }
        if (ping.answer() != null) {
            String path = ping.to() != null ? EndpointText.format(ping.to()) : "DERP(" + regionCode.apply(region) + ")";
            ping.answer().complete(new PingResult(p.name(), path, Duration.ofNanos(latency)));
        }
    }

    /**
     * Pings {@code peer} as {@code tailscale ping} does: with {@link PingPath#ANY}, only its proven
     * direct path if it has one, else through DERP and to every candidate endpoint at once. The
     * first pong answers; a direct one also proves the path for data.
     *
     * @throws IOException if the peer's disco key is unusable, or only DERP may carry the ping
     *                     and the home relay is not connected
     */
    Ping ping(PeerTable.Entry peer, PingPath paths, long nowNanos) throws IOException {
        Ping ping = new Ping();
        try {
            InetSocketAddress trusted = peer.path().trustedDirect(nowNanos);
            List<InetSocketAddress> direct = paths == PingPath.DERP ? List.of()
                    : trusted != null ? List.of(trusted) : peer.path().candidates();
            // Direct first: a UDP datagram is cheap and must not wait behind the relay's TCP write.
            for (InetSocketAddress to : direct) {
                transport.sendUdp(newPing(peer, to, nowNanos, ping), to);
            }
            if (trusted == null || paths == PingPath.DERP) {
                if (transport.derpConnected()) {
                    transport.sendDerp(peer.homeRegion(), peer.nodeKey(), newPing(peer, null, nowNanos, ping));
                } else if (paths == PingPath.DERP) {
                    throw new IOException("no DERP connection yet (the first netcheck takes a moment after start)");
                }
            }
            if (trusted == null && paths == PingPath.ANY) {
                startDiscovery(peer, nowNanos);
            }
            return ping;
        } catch (CryptoException e) {
            ping.close();
            throw new IOException(peer.name() + "'s disco key is unusable", e);
        } catch (IOException | RuntimeException e) {
            ping.close();
            throw e;
        }
    }

    /** Pings awaiting a pong. */
    int pendingPings() {
        synchronized (pending) {
            return pending.size();
        }
    }
}
