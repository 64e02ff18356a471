package io.microlink.magicsock;

import io.microlink.control.wire.Node;
import io.microlink.key.KeyKind;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
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
 * The peers magicsock knows, sans I/O, made from the netmap when first needed (a packet to or
 * from the peer, a DISCO message, a ping) and kept in step with each later netmap (those whose
 * node key has expired left out): their keys, parsed from the netmap's text here, their home
 * relays, and their path state, which outlives netmaps (a peer's proven path must not be forgotten because control sent a
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

    /**
     * Proven addresses kept at most. Each needs a pong from an address its peer really answers
     * at, but a peer with many addresses (an IPv6 prefix) could still prove one after another
     * between netmaps; beyond the bound the stale go first, then the longest proven.
     */
    static final int MAX_OWNED_ENDPOINTS = 4096;

    /** Who proved an address, and when. */
    private record Owner(PublicKey nodeKey, long provenNanos) {}

    private final PeerExpiry expiry;
    /** The netmap last synced: where a peer's entry comes from when magicsock first needs it. */
    private volatile Netmap map = NetmapUpdater.empty();
    /** The netmap IDs of the peers DISCO may probe, or null for all. */
    private volatile Set<Long> probed;
    /**
     * The entries made so far, by node key and by disco key: only peers that carried a packet
     * either way, or that something asked about by key (a ping, a DISCO message). A tailnet lists
     * thousands of peers of which few ever talk, so the rest cost nothing here.
     */
    private final Map<PublicKey, Entry> byNodeKey = new ConcurrentHashMap<>();
    private final Map<PublicKey, Entry> byDiscoKey = new ConcurrentHashMap<>();
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

    /** Takes a new netmap: the entries made so far follow it, and those of peers it no longer lists go. */
    synchronized void sync(Netmap next) {
        map = next;
        probed = allowedIds(next);
        Set<PublicKey> restartedPeers = new HashSet<>();
        for (Entry old : List.copyOf(byNodeKey.values())) {
            Node n = usable(next.peerByNodeKey(old.nodeKey()).orElse(null));
            Entry now = n == null ? null : entry(n, old.nodeKey(), old);
            if (now == null || now.path() != old.path()) {
                restartedPeers.add(old.nodeKey());
            }
            forget(old);
            if (now != null) {
                remember(now);
            }
        }
        endpointOwners.entrySet().removeIf(e -> restartedPeers.contains(e.getValue().nodeKey())
                || !stillOwned(e.getKey(), e.getValue()));
    }

    /** {@code n} if magicsock may know it (a node key, not expired); else null. */
    private Node usable(Node n) {
        return n == null || n.key() == null || expiry.expired(n) ? null : n;
    }

    /**
     * The entry for netmap node {@code n}, with the path state and traffic counts of
     * {@code previous} (null for a new entry) unless the peer restarted.
     */
    private Entry entry(Node n, PublicKey key, Entry previous) {
        PublicKey discoKey = n.discoKey() == null ? null : PublicKey.parse(KeyKind.DISCO, n.discoKey());
        Set<Long> allowed = probed;
        boolean probe = discoKey != null && (allowed == null || allowed.contains(n.id()));
        // A new disco key means the peer restarted, likely on another port: what we proved
        // of its old process proves nothing now (tailscale resets the endpoint likewise).
        boolean restarted = previous != null && previous.discoKey() != null && discoKey != null
                && !previous.discoKey().equals(discoKey);
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
        return new Entry(key, n.name(), discoKey, n.homeRegion(), path, traffic);
    }

    private void remember(Entry e) {
        byNodeKey.put(e.nodeKey(), e);
        if (e.discoKey() != null) {
            byDiscoKey.put(e.discoKey(), e);
        }
    }

    private void forget(Entry e) {
        byNodeKey.remove(e.nodeKey(), e);
        if (e.discoKey() != null) {
            byDiscoKey.remove(e.discoKey(), e);
        }
    }

    /** The entry for the peer with node key {@code key}, made from the netmap if it lists the peer; else null. */
    private synchronized Entry make(PublicKey key) {
        Entry e = byNodeKey.get(key);
        if (e != null) {
            return e;
        }
        Node n = usable(map.peerByNodeKey(key).orElse(null));
        if (n == null) {
            return null;
        }
        e = entry(n, key, null);
        remember(e);
        return e;
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

    /** The peers made so far (see {@link #get}): those that exchanged packets or were asked about. */
    Collection<Entry> all() {
        return byNodeKey.values();
    }

    /** The peer with this node key, made on first need if the netmap lists it; or null. */
    Entry get(PublicKey nodeKey) {
        Entry e = byNodeKey.get(nodeKey);
        return e != null ? e : make(nodeKey);
    }

    /** The peer with this disco key, made on first need if the netmap lists it; or null: DISCO from anyone else is dropped. */
    Entry byDiscoKey(PublicKey discoKey) {
        Entry e = byDiscoKey.get(discoKey);
        if (e != null) {
            return e;
        }
        Node n = usable(map.peerByDiscoKey(discoKey).orElse(null));
        return n == null ? null : get(PublicKey.parse(KeyKind.NODE, n.key()));
    }

    /** Whether a netmap peer has this disco key, making nothing: a DISCO message names it before it is opened. */
    boolean knowsDiscoKey(PublicKey discoKey) {
        return byDiscoKey.containsKey(discoKey) || usable(map.peerByDiscoKey(discoKey).orElse(null)) != null;
    }

    /** The entry for a netmap node, made on first need; null if it has no key or is not in the netmap. */
    Entry of(Node node) {
        return node.key() == null ? null : get(PublicKey.parse(KeyKind.NODE, node.key()));
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
