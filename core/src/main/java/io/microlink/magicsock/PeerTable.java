package io.microlink.magicsock;

import io.microlink.control.wire.Node;
import io.microlink.key.KeyKind;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.PeerExpiry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peers magicsock knows, sans I/O, rebuilt from each netmap (those whose node key has
 * expired left out): their keys, parsed from the
 * netmap's text here and nowhere else, their home relays, and their path state, which
 * outlives netmaps (a peer's proven path must not be forgotten because control sent a
 * delta). Also which UDP address belongs to which peer, so a WireGuard datagram is handed
 * to its peer by address, and which peers DISCO may probe (the allowlist).
 *
 * <p>An address belongs to a peer only once that peer answered a DISCO ping we sent there,
 * from there, with its own disco key ({@link #prove}), as tailscale's
 * {@code peerMap.setNodeKeyForEpAddr} after a pong. What a peer merely claims (the endpoints it
 * reports to control, a call-me-maybe, the source of its ping) makes a candidate to probe and
 * nothing more: a peer naming another peer's address must not have that peer's WireGuard
 * traffic handed to it. Datagrams from addresses no peer proved still reach the engine, which
 * knows their peer by its keys.
 *
 * <pre>{@code
 * PeerTable peers = new PeerTable(Set.of("laptop"), expiry);
 * peers.sync(netmap);                              // on every netmap
 * PeerTable.Entry p = peers.byDiscoKey(sender);     // who sent this DISCO packet
 * peers.prove(p, pongSource, now);                // a pong came back from where we pinged
 * PublicKey owner = peers.ownerOf(udpSource);      // whose WireGuard datagram this is
 * }</pre>
 */
final class PeerTable {
    /** A peer as magicsock needs it; replaced on each netmap, its path state and traffic counts carried over. */
    record Entry(PublicKey nodeKey, String name, PublicKey discoKey, int homeRegion, PeerPath path,
                 PathTraffic traffic) {}

    /** One netmap's peers, immutable: lookups never see a netmap half applied. */
    private record Index(Map<PublicKey, Entry> byNodeKey, Map<PublicKey, Entry> byDiscoKey, Map<String, Entry> byKeyText) {
        static final Index EMPTY = new Index(Map.of(), Map.of(), Map.of());
    }

    /**
     * Proven addresses kept at most. Each needs a pong from an address its peer really answers
     * at, but a peer with many addresses (an IPv6 prefix) could still prove one after another
     * between netmaps; beyond the bound the stale go first, then the longest proven.
     */
    static final int MAX_OWNED_ENDPOINTS = 4096;

    /** Who proved an address, and when. */
    private record Owner(PublicKey nodeKey, long provenNanos) {}

    private final PeerExpiry expiry;
    private volatile Index index = Index.EMPTY;
    /** Which peer a UDP address belongs to: only addresses a pong proved; checked against the peer on use. */
    private final Map<InetSocketAddress, Owner> endpointOwners = new ConcurrentHashMap<>();
    private Set<String> discoAllowlist;

    /**
     * @param discoAllowlist the peers (name, FQDN, tailnet IP or node key) DISCO probes; empty means all
     * @param expiry         says which peers' keys have expired: those are left out, path and all
     */
    PeerTable(Set<String> discoAllowlist, PeerExpiry expiry) {
        this.discoAllowlist = Set.copyOf(discoAllowlist);
        this.expiry = expiry;
    }

    synchronized void sync(Netmap map) {
        Index old = index;
        Set<PublicKey> restartedPeers = new HashSet<>();
        Set<Long> allowed = allowedIds(map);
        Map<PublicKey, Entry> byNodeKey = new HashMap<>();
        Map<PublicKey, Entry> byDiscoKey = new HashMap<>();
        Map<String, Entry> byKeyText = new HashMap<>();
        for (Node n : map.peers()) {
            if (n.key() == null || expiry.expired(n)) {
                continue;
            }
            PublicKey key = PublicKey.parse(KeyKind.NODE, n.key());
            PublicKey discoKey = n.discoKey() == null ? null : PublicKey.parse(KeyKind.DISCO, n.discoKey());
            boolean probe = discoKey != null && (allowed == null || allowed.contains(n.id()));
            Entry previous = old.byNodeKey().get(key);
            // A new disco key means the peer restarted, likely on another port: what we proved
            // of its old process proves nothing now (tailscale resets the endpoint likewise).
            boolean restarted = previous != null && previous.discoKey() != null && discoKey != null
                    && !previous.discoKey().equals(discoKey);
            if (restarted) {
                restartedPeers.add(key);
            }
            PeerPath path = previous != null && !restarted ? previous.path() : new PeerPath(probe);
            path.setDiscoveryAllowed(probe);
            List<InetSocketAddress> advertised = new ArrayList<>();
            if (n.endpoints() != null) {
                for (String e : n.endpoints()) {
                    EndpointText.parse(e).ifPresent(advertised::add);
                }
            }
            path.setAdvertised(advertised);
            PathTraffic traffic = previous != null ? previous.traffic() : new PathTraffic();
            Entry peer = new Entry(key, n.name(), discoKey, n.homeRegion(), path, traffic);
            byNodeKey.put(key, peer);
            byKeyText.put(n.key(), peer);
            if (discoKey != null) {
                byDiscoKey.put(discoKey, peer);
            }
        }
        Index next = new Index(Map.copyOf(byNodeKey), Map.copyOf(byDiscoKey), Map.copyOf(byKeyText));
        index = next;
        endpointOwners.entrySet().removeIf(e -> restartedPeers.contains(e.getValue().nodeKey())
                || !stillOwned(e.getKey(), e.getValue()));
    }

    /** Whether {@code owner} is still a peer and {@code address} still one of its candidates. */
    private boolean stillOwned(InetSocketAddress address, Owner owner) {
        Entry p = get(owner.nodeKey());
        return p != null && p.path().knows(address);
    }

    /** The netmap IDs of the allowlisted peers, resolved once per netmap; null when every peer is allowed. */
    private Set<Long> allowedIds(Netmap map) {
        if (discoAllowlist.isEmpty()) {
            return null;
        }
        Set<Long> ids = new HashSet<>();
        discoAllowlist.forEach(entry -> map.find(entry).ifPresent(n -> ids.add(n.id())));
        return ids;
    }

    /** Replaces the DISCO allowlist from the next {@link #sync} on. */
    synchronized void setDiscoAllowlist(Set<String> allowlist) {
        discoAllowlist = Set.copyOf(allowlist);
    }

    /** Every peer of the current netmap. */
    Collection<Entry> all() {
        return index.byNodeKey().values();
    }

    /** The peer with this node key, or null. */
    Entry get(PublicKey nodeKey) {
        return index.byNodeKey().get(nodeKey);
    }

    /** The peer with this disco key, or null: DISCO from anyone else is dropped. */
    Entry byDiscoKey(PublicKey discoKey) {
        return index.byDiscoKey().get(discoKey);
    }

    /** The entry for a netmap node, found by its key text without parsing it again; null if absent. */
    Entry of(Node node) {
        return node.key() == null ? null : index.byKeyText().get(node.key());
    }

    /** The peer a datagram from {@code from} comes from, if a pong proved that address for it; else null. */
    PublicKey ownerOf(InetSocketAddress from) {
        Owner owner = endpointOwners.get(from);
        return owner != null && stillOwned(from, owner) ? owner.nodeKey() : null;
    }

    /**
     * A candidate endpoint for {@code peer} learned from DISCO (a ping's source, a call-me-maybe):
     * something to probe, not yet its address.
     *
     * @param pingNow true for call-me-maybe: see {@link PeerPath#learn}
     */
    void learn(Entry peer, InetSocketAddress endpoint, boolean pingNow) {
        peer.path().learn(endpoint, pingNow);
    }

    /**
     * {@code peer} answered, with its disco key, a ping we sent to {@code address}, and the
     * answer came from that same address: WireGuard datagrams from there are its own from now
     * on, whoever claimed the address before.
     */
    void prove(Entry peer, InetSocketAddress address, long nowNanos) {
        if (!peer.path().knows(address)) {
            return;
        }
        endpointOwners.put(address, new Owner(peer.nodeKey(), nowNanos));
        if (endpointOwners.size() > MAX_OWNED_ENDPOINTS) {
            evictOwners();
        }
    }

    private synchronized void evictOwners() {
        endpointOwners.entrySet().removeIf(e -> !stillOwned(e.getKey(), e.getValue()));
        while (endpointOwners.size() > MAX_OWNED_ENDPOINTS) {
            endpointOwners.entrySet().stream()
                    .min((a, b) -> Long.compare(a.getValue().provenNanos() - b.getValue().provenNanos(), 0))
                    .ifPresent(oldest -> endpointOwners.remove(oldest.getKey(), oldest.getValue()));
        }
    }

    /** Addresses proven to belong to a peer right now, stale ones included until pruned. */
    int ownedEndpoints() {
        return endpointOwners.size();
    }
}
