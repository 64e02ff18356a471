package io.microlink.magicsock;

import io.microlink.control.wire.Node;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import io.microlink.netmap.PeerExpiry;
import io.microlink.netstack.PacketSink;
import io.microlink.route.Prefix;
import io.microlink.route.RoutePrefs;
import io.microlink.route.RouteTable;
import io.microlink.wireguard.noise.Protocol;
import io.microlink.wireguard.session.Counters;
import io.microlink.wireguard.session.Endpoint;
import io.microlink.wireguard.session.Engine;
import io.microlink.wireguard.session.EngineSettings;
import io.microlink.wireguard.session.Network;
import io.microlink.wireguard.session.Peer;
import io.microlink.wireguard.session.PeerSource;
import io.microlink.wireguard.session.PeerSpec;
import io.microlink.wireguard.session.TimeSource;
import io.microlink.wireguard.session.UdpEndpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attaches the WireGuard engine to magicsock. Each peer's endpoint is a {@link PeerEndpoint},
 * its node key, and roaming is off: the engine never moves a peer to wherever its packets came
 * from. Which real path a packet to a peer takes (direct or DERP) is magicsock's decision, made
 * per packet from what DISCO has proven ({@link PeerPath}), as in tailscale.
 * Decrypted inner packets go to the data plane, which decides where each goes.
 */
final class WireGuardLink implements Network {
    /** The transport header goes in front of the packet, padding (to 16) and the tag after it. */
    static final int HEADROOM = Protocol.TRANSPORT_HEADER_SIZE;
    static final int TAILROOM = Protocol.PADDING_MULTIPLE + Protocol.TAG_LENGTH;

    /** Where the link's output goes; the bytes are only valid during the call. */
    interface Paths {
        /** To a peer, by whatever path magicsock chooses. */
        void sendToPeer(PublicKey peer, byte[] buf, int off, int len);

        /** To an address no peer is proven at: a cookie reply, under load, to where a handshake came from. */
        void sendUdp(byte[] buf, int off, int len, InetSocketAddress to);
    }

    /**
     * @param maxSessions  peers that may hold session keys at once (the least recently used
     *                     beyond it lose theirs, never the priority peer)
     * @param priorityPeer node key of the peer that always keeps its session, or null
     */
    record Limits(int maxSessions, PublicKey priorityPeer) {
        static final Limits DEFAULT = new Limits(EngineSettings.DEFAULT.maxSessions(), null);
    }

    private final Engine engine;
    private final PublicKey nodeKey;
    private final Paths paths;
    private final PacketSink inner;
    private final Limits limits;
    private final PeerExpiry expiry;
    /** Each made peer's engine state; its endpoint is its {@link PeerEndpoint}. Changed under this link's lock. */
    private final Map<PublicKey, Peer> peers = new ConcurrentHashMap<>();
    /** What each made peer was given from the netmap, so a netmap that changes nothing of it changes nothing. */
    private final Map<PublicKey, Applied> applied = new HashMap<>();
    /** The netmap last synced, and its routes: where lazily made peers are found. */
    private Netmap netmap = NetmapUpdater.empty();
    private RouteTable table = RouteTable.of(netmap, RoutePrefs.NONE, n -> true);
    private final RoutePrefs routePrefs;

    /**
     * A tailnet peer as the engine sees it: magicsock chooses the path of every packet, so the
     * engine needs only the node key. Under load, cookies and the per-source handshake limit
     * count per node key too, as tailscale's endpoints give wireguard-go one address per peer.
     */
    record PeerEndpoint(PublicKey key) implements Endpoint {
        @Override
        public byte[] cookieBytes() {
            return key.raw();
        }

        @Override
        public PublicKey rateLimitKey() {
            return key;
        }

        @Override
        public String toString() {
            return key.shortString() + " via magicsock";
        }
    }

    /**
     * @param expiry     says which peers' keys have expired: those are no WireGuard peers
     * @param routePrefs which of the routes peers offer this node takes (subnet routes, an exit node)
     */
    WireGuardLink(PrivateKey nodeKey, Paths paths, Limits limits, PeerExpiry expiry, RoutePrefs routePrefs,
                  PacketSink inner) {
        this.inner = inner;
        this.routePrefs = routePrefs;
        this.expiry = expiry;
        this.engine = new Engine(nodeKey.raw(),
                EngineSettings.DEFAULT.withRoaming(false).withMaxSessions(limits.maxSessions()), TimeSource.system(),
                new Lazy());
        this.nodeKey = nodeKey.publicKey();
        this.paths = paths;
        this.limits = limits;
    }

    PublicKey nodeKey() {
        return nodeKey;
    }

    /** The engine's drop and handshake counters. */
    Counters counters() {
        return engine.counters();
    }

    /**
     * A peer's allowed IPs, and the disco key it had: disco keys live as long as the peer's
     * process, so a new one means it restarted.
     */
    private record Applied(List<String> allowedIps, String discoKey) {}

    /**
     * Follows a new netmap. Peers are made lazily, as tailscaled gives wireguard-go only the
     * peers with traffic: a peer gets its engine state and routes when a packet goes to one of
     * its addresses or a handshake or packet comes from it ({@link Lazy}), not because the
     * netmap lists it. Made at once are only the peers whose routes are wider than their own
     * addresses (subnet routers, the exit node: tailscaled's {@code isTrimmablePeer} rule), and,
     * while such a route reaches into the tailnet's ranges, every peer, so that a peer's own
     * address still routes to it and not there.
     *
     * <p>A made peer that left the netmap, or whose key expired, goes with its sessions and
     * routes. Its routes are its addresses and what {@link RouteTable} gives it of its approved
     * routes, updated whenever the netmap changes them. A peer whose disco key changed restarted
     * and lost its sessions: ours go too, so the next packet handshakes instead of going where
     * the peer drops it until WireGuard's 15 s timer (as tailscaled resets such a peer).
     */
    synchronized void sync(Netmap netmap) {
        RouteTable table = RouteTable.of(netmap, routePrefs, n -> !expiry.expired(n));
        this.netmap = netmap;
        this.table = table;
        peers.entrySet().removeIf(e -> {
            if (usablePeer(e.getKey()) == null) {
                engine.removePeer(e.getValue());
                applied.remove(e.getKey());
                return true;
            }
            return false;
        });
        peers.forEach((key, p) -> apply(key, p, usablePeer(key)));
        boolean everyPeer = table.widensIntoTailnet();
        for (Node n : netmap.peers()) {
            if (usable(n) && (everyPeer || routesBeyondItsAddresses(table, n))) {
                make(n);
            }
        }
    }

    private boolean usable(Node n) {
        return n.key() != null && n.addresses() != null && !expiry.expired(n);
    }

    /** The netmap's node for a peer's key, if it may be a WireGuard peer; else null. */
    private Node usablePeer(PublicKey key) {
        return netmap.peerByNodeKey(key).filter(this::usable).orElse(null);
    }

    private static boolean routesBeyondItsAddresses(RouteTable table, Node n) {
        return table.allowedIps(n).size() > n.addresses().size();
    }

    /** The engine peer for a usable netmap node, made with its routes if it has none yet. */
    private Peer make(Node node) {
        PublicKey key = PublicKey.parse(KeyKind.NODE, node.key());
        Peer p = peers.get(key);
        if (p == null) {
            p = engine.addPeer(new PeerSpec(key.raw(), null, new PeerEndpoint(key), 0, key.equals(limits.priorityPeer())));
            peers.put(key, p);
            apply(key, p, node);
        }
        return p;
    }

    /** Gives a made peer what the netmap says of it now: its routes, and a reset if it restarted. */
    private void apply(PublicKey key, Peer p, Node node) {
        List<String> allowed = table.allowedIps(node);
        Applied before = applied.get(key);
        if (before == null || !allowed.equals(before.allowedIps())) {
            // Control moved a route (a primary router failed over) or the peer's addresses changed.
            engine.allowedIps().removeAll(p);
            for (String prefix : allowed) {
                route(prefix, p);
            }
        }
        String disco = node.discoKey() != null ? node.discoKey() : before != null ? before.discoKey() : null;
        if (before != null && before.discoKey() != null && !before.discoKey().equals(disco)) {
            engine.resetSessions(p);
        }
        if (before == null || !allowed.equals(before.allowedIps()) || !Objects.equals(disco, before.discoKey())) {
            applied.put(key, new Applied(allowed, disco));
        }
    }

    /**
     * Makes a netmap peer when the engine first needs it. Found by the netmap's own indexes (by
     * node key, by route), so the link keeps nothing for the peers it has not made.
     */
    private final class Lazy implements PeerSource {
        @Override
        public Peer forKey(byte[] publicKey) {
            return makeIfListed(PublicKey.of(KeyKind.NODE, publicKey));
        }

        @Override
        public Peer forDestination(byte[] buf, int addressOffset, int addressLength) {
            InetAddress destination;
            try {
                destination = InetAddress.getByAddress(Arrays.copyOfRange(buf, addressOffset, addressOffset + addressLength));
            } catch (UnknownHostException e) {
                return null; // not 4 or 16 bytes: the engine read no IP header
            }
            synchronized (WireGuardLink.this) {
                return table.route(destination) instanceof RouteTable.Via(Node peer) && usable(peer) ? make(peer) : null;
            }
        }
    }

    /** The engine peer for {@code key}, made if the netmap lists it as a usable peer; else null. */
    private synchronized Peer makeIfListed(PublicKey key) {
        Peer p = peers.get(key);
        if (p != null) {
            return p;
        }
        Node node = usablePeer(key);
        return node == null ? null : make(node);
    }

    private void route(String prefix, Peer peer) {
        // A malformed prefix from control routes nothing; the peer stays reachable by its others.
        Prefix.parse(prefix).ifPresent(p -> engine.allowedIps().insert(p.address(), p.bits(), peer));
    }

    /** Each made peer's WireGuard state, by node key: those that exchanged a packet, or have wide routes. */
    Map<PublicKey, Peer> peers() {
        return Map.copyOf(peers);
    }

    /**
     * A packet from a known peer (by DERP source key, or a UDP address DISCO ties to it). The
     * engine decrypts in place, so the bytes are the link's until this returns.
     */
    void receiveFromPeer(byte[] buf, int off, int len, PublicKey peer) {
        Peer p = peers.get(peer);
        if (p == null) {
            p = makeIfListed(peer); // its first packet, perhaps an initiation: as tailscaled's noteRecvActivity
        }
        // A known peer's endpoint stays the one make() gave it (no roaming): no object per packet.
        // Vouched for, its data on a session we lost in a restart starts a handshake at once.
        if (p != null) {
            engine.receive(p, buf, off, len, p.endpoint(), this);
        } else {
            engine.receive(buf, off, len, new PeerEndpoint(peer), this);
        }
    }

    /** A packet from an address no peer is known at; only a handshake can come of it. */
    void receiveUdp(byte[] buf, int off, int len, InetSocketAddress from) {
        engine.receive(buf, off, len, new UdpEndpoint(from), this);
    }

    void tick() {
        engine.tick(this);
    }

    /**
     * The engine sends only to endpoints this link gave it: a peer's own (a handshake response
     * too, roaming being off, whatever address the initiation came from), or under load a
     * cookie reply to the source of a handshake message.
     */
    @Override
    public void send(Endpoint to, byte[] buf, int off, int len) {
        if (to instanceof PeerEndpoint peer) {
            paths.sendToPeer(peer.key(), buf, off, len);
        } else {
            paths.sendUdp(buf, off, len, ((UdpEndpoint) to).address());
        }
    }

    @Override
    public void deliver(byte[] buf, int off, int len) {
        inner.accept(buf, off, len);
    }

    /**
     * Sends an inner IP packet to whichever peer routes its destination. The engine encrypts
     * in place: with {@link #HEADROOM} bytes before the packet and {@link #TAILROOM} after it,
     * in {@code buf} itself, else in a copy that has them.
     */
    void sendInner(byte[] buf, int off, int len) {
        if (off >= HEADROOM && buf.length - off - len >= TAILROOM) {
            engine.send(buf, off, len, this);
            return;
        }
        byte[] frame = new byte[HEADROOM + len + TAILROOM];
        System.arraycopy(buf, off, frame, HEADROOM, len);
        engine.send(frame, HEADROOM, len, this);
    }
}
