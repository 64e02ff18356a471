package io.microlink.wireguard.session;

import io.microlink.wireguard.noise.CookieChecker;
import io.microlink.wireguard.noise.LocalIdentity;
import io.microlink.wireguard.noise.Protocol;
import io.microlink.wireguard.routing.AllowedIps;
import io.microlink.wireguard.routing.InnerHeader;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sans-I/O WireGuard device: bytes and time in, bytes out through a {@link Network}. It owns
 * the peers, the index table, cryptokey routing and the session cap; {@link Inbound} and
 * {@link Handshakes} do the per-message work. Safe for one thread sending, one receiving and
 * one ticking at once (the shape of the runtime), or any other mix.
 *
 * <pre>{@code
 * Engine engine = new Engine(privateKey, EngineSettings.DEFAULT, TimeSource.system());
 * Peer peer = engine.addPeer(new PeerSpec(peerKey, null, endpoint, 25, false));
 * engine.allowedIps().insert(InetAddress.getByName("10.0.0.2"), 32, peer);
 * engine.send(buf, 16, len, network);      // an IP packet from the TUN device
 * engine.receive(buf, 0, n, from, network); // a UDP datagram
 * engine.tick(network);                     // every 100 ms or so
 * }</pre>
 */
public final class Engine {
    final LocalIdentity identity;
    final EngineSettings settings;
    final TimeSource clock;
    final Counters counters = new Counters();
    final IndexTable indices;
    final CookieChecker cookieChecker;
    final LoadMonitor load;
    final SourceRateLimiter rateLimiter;
    private final Map<ByteBuffer, Peer> peers = new ConcurrentHashMap<>();
    private final AllowedIps<Peer> allowedIps = new AllowedIps<>();
    private final Set<Peer> activeSessions = ConcurrentHashMap.newKeySet();
    private final Inbound inbound;
    final PeerSource peerSource;

    /**
     * An engine with our static key and no peers.
     *
     * @param settings limits and timers
     * @param clock the engine's time
     * @param privateKey 32-byte X25519 private key; copied
     */
    public Engine(byte[] privateKey, EngineSettings settings, TimeSource clock) {
        this(privateKey, settings, clock, PeerSource.NONE);
    }

    /**
     * An engine with our static key that makes its peers when it first needs them: a handshake
     * from an unknown key, a packet to an unrouted address.
     *
     * @param settings limits and timers
     * @param clock the engine's time
     * @param privateKey 32-byte X25519 private key; copied
     * @param peerSource asked on each such miss
     */
    public Engine(byte[] privateKey, EngineSettings settings, TimeSource clock, PeerSource peerSource) {
        this.peerSource = peerSource;
        SecureRandom random = new SecureRandom();
        this.identity = new LocalIdentity(privateKey);
        this.settings = settings;
        this.clock = clock;
        this.indices = new IndexTable(random::nextInt);
        this.cookieChecker = new CookieChecker(identity, random::nextBytes);
        this.load = new LoadMonitor(settings.underLoadThreshold());
        this.rateLimiter = new SourceRateLimiter(settings.perSourceHandshakes(), settings.rateLimiterSources());
        this.inbound = new Inbound(this, new Handshakes(this));
    }

    /**
     * Our static public key.
     *
     * @return a copy of the 32 bytes
     */
    public byte[] publicKey() {
        return identity.publicKey();
    }

    /**
     * Adds a peer; route its allowed IPs with {@link #allowedIps()}. Replaces none: keys are unique.
     *
     * @param spec the peer's key, endpoint and options
     * @return the peer
     * @throws IllegalArgumentException if a peer has that public key already
     */
    public Peer addPeer(PeerSpec spec) {
        Peer peer = new Peer(this, spec);
        if (peers.putIfAbsent(ByteBuffer.wrap(peer.keyBytes()), peer) != null) {
            throw new IllegalArgumentException("duplicate peer " + peer);
        }
        peer.start(clock.nanoTime());
        return peer;
    }

    /**
     * Removes a peer, its routes and its sessions.
     *
     * @param peer a peer of this engine
     */
    public void removePeer(Peer peer) {
        peers.remove(ByteBuffer.wrap(peer.keyBytes()));
        allowedIps.removeAll(peer);
        resetSessions(peer);
    }

    /**
     * Forgets a peer's sessions, keeping it and its routes: it restarted (a runtime may learn
     * that out of band), so its next packet starts a handshake rather than going out on keys
     * the peer no longer has.
     *
     * @param peer a peer of this engine
     */
    public void resetSessions(Peer peer) {
        activeSessions.remove(peer);
        peer.dropSessions();
    }

    Peer peerByKey(byte[] publicKey) {
        return peers.get(ByteBuffer.wrap(publicKey));
    }

    /**
     * The peers, in the order they were added.
     *
     * @return a snapshot
     */
    public List<Peer> peers() {
        return List.copyOf(peers.values());
    }

    /**
     * The routing table from inner addresses to peers (cryptokey routing).
     *
     * @return the live table
     */
    public AllowedIps<Peer> allowedIps() {
        return allowedIps;
    }

    /**
     * What the engine dropped and what happened.
     *
     * @return the live counters
     */
    public Counters counters() {
        return counters;
    }

    /**
     * Number of entries in the index table, for tests of its bound.
     *
     * @return the entries
     */
    public int indexTableSize() {
        return indices.size();
    }

    /**
     * Handles one datagram from {@code from}; anything invalid is counted in {@link #counters()}
     * and dropped. Decrypts in place.
     *
     * @param buf the buffer holding the datagram
     * @param off where it starts
     * @param len its length
     * @param from where it came from
     * @param net where answers and decrypted packets go
     */
    public void receive(byte[] buf, int off, int len, Endpoint from, Network net) {
        inbound.receive(buf, off, len, from, net, null);
    }

    /**
     * As {@link #receive}, for a datagram the runtime knows came from {@code sender}: a relay
     * that vouches for the sender's key, or an address the sender proved it holds. Data for a
     * session this engine does not have (it restarted and the peer did not) then starts a
     * handshake at once, at most once per RekeyTimeout, where plain WireGuard leaves the peer
     * sending into the void until its own timer rehandshakes 15 s later.
     *
     * @param sender the peer the datagram is from
     * @param buf the buffer holding the datagram
     * @param off where it starts
     * @param len its length
     * @param from where it came from
     * @param net where answers and decrypted packets go
     */
    public void receive(Peer sender, byte[] buf, int off, int len, Endpoint from, Network net) {
        inbound.receive(buf, off, len, from, net, sender);
    }

    /**
     * Routes and sends one IP packet of {@code len} bytes at {@code off} (to a peer the
     * {@link PeerSource} makes if none routes it). {@code buf} must have
     * {@link Protocol#TRANSPORT_HEADER_SIZE} free bytes before {@code off} and 32 after the
     * packet (padding and tag); the message is built in place.
     *
     * @param buf the buffer holding the packet, with the room above
     * @param off where it starts
     * @param len its length
     * @param net where the message goes
     */
    public void send(byte[] buf, int off, int len, Network net) {
        if (InnerHeader.version(buf, off, len) == 0) {
            counters.add(Counters.Event.DROPPED_MALFORMED);
            return;
        }
        int destination = InnerHeader.destinationOffset(buf, off);
        Peer peer = allowedIps.lookup(buf, destination, InnerHeader.addressLength(buf, off));
        if (peer == null) {
            peer = peerSource.forDestination(buf, destination, InnerHeader.addressLength(buf, off));
        }
        if (peer == null) {
            counters.add(Counters.Event.DROPPED_NO_ROUTE);
            return;
        }
        peer.send(buf, off, len, net);
    }

    /**
     * Runs due timers: retransmissions, keepalives, rekeys, key expiry.
     *
     * @param net where retransmissions and keepalives go
     */
    public void tick(Network net) {
        long now = clock.nanoTime();
        for (Peer peer : peers.values()) {
            peer.tick(now, net);
        }
        activeSessions.removeIf(p -> !p.hasSession());
    }

    /**
     * Enforces {@link EngineSettings#maxSessions()} after {@code peer} gained a session: the
     * least recently used other peer loses its keys, never the priority peer. If only the
     * newcomer and priority peers hold sessions, the newcomer gives way.
     */
    synchronized void sessionStarted(Peer peer) {
        activeSessions.add(peer);
        while (activeSessions.size() > settings.maxSessions()) {
            Peer victim = null;
            for (Peer p : activeSessions) {
                if (!p.priority() && p != peer && (victim == null || p.lastUsedNanos - victim.lastUsedNanos < 0)) {
                    victim = p;
                }
            }
            if (victim == null) {
                victim = peer.priority() ? null : peer;
            }
            if (victim == null) {
                return;
            }
            activeSessions.remove(victim);
            victim.dropSessions();
            counters.add(Counters.Event.SESSIONS_EVICTED);
        }
    }

    /**
     * Peers holding session keys right now.
     *
     * @return the count
     */
    public int activeSessionCount() {
        return activeSessions.size();
    }
}
