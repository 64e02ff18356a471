package io.microlink.magicsock;

import io.microlink.control.wire.Node;
import io.microlink.key.KeyKind;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peers magicsock knows, sans I/O, rebuilt from each netmap: their keys, parsed from the
 * netmap's text here and nowhere else, their home relays, and their path state, which
 * outlives netmaps (a peer's proven path must not be forgotten because control sent a
 * delta). Also which UDP address belongs to which peer, so a WireGuard datagram is handed
 * to its peer by address, and which peers DISCO may probe (the allowlist).
 *
 * <pre>{@code
 * PeerTable peers = new PeerTable(Set.of("laptop"));
 * peers.sync(netmap);                              // on every netmap
 * PeerTable.Entry p = peers.byDiscoKey(sender);     // who sent this DISCO packet
 * PublicKey owner = peers.ownerOf(udpSource);      // whose WireGuard datagram this is
 * }</pre>
 */
final class PeerTable {
    /** A peer as magicsock needs it; replaced on each netmap, its path state carried over. */
    record Entry(PublicKey nodeKey, String name, PublicKey discoKey, int homeRegion, PeerPath path) {}

    /** One netmap's peers, immutable: lookups never see a netmap half applied. */
    private record Index(Map<PublicKey, Entry> byNodeKey, Map<PublicKey, Entry> byDiscoKey, Map<String, Entry> byKeyText) {
        static final Index EMPTY = new Index(Map.of(), Map.of(), Map.of());
    }

    private volatile Index index = Index.EMPTY;
    /** Which peer a UDP address belongs to, for the addresses DISCO knows; checked against the peer on use. */
    private final Map<InetSocketAddress, PublicKey> endpointOwners = new ConcurrentHashMap<>();
    private Set<String> discoAllowlist;

    /** @param discoAllowlist the peers (name, FQDN, tailnet IP or node key) DISCO probes; empty means all */
    PeerTable(Set<String> discoAllowlist) {
        this.discoAllowlist = Set.copyOf(discoAllowlist);
    }

    synchronized void sync(Netmap map) {
        Index old = index;
        Set<Long> allowed = allowedIds(map);
        Map<PublicKey, Entry> byNodeKey = new HashMap<>();
        Map<PublicKey, Entry> byDiscoKey = new HashMap<>();
        Map<String, Entry> byKeyText = new HashMap<>();
        for (Node n : map.peers()) {
            if (n.key() == null) {
                continue;
            }
            PublicKey key = PublicKey.parse(KeyKind.NODE, n.key());
            PublicKey discoKey = n.discoKey() == null ? null : PublicKey.parse(KeyKind.DISCO, n.discoKey());
            boolean probe = discoKey != null && (allowed == null || allowed.contains(n.id()));
            Entry previous = old.byNodeKey().get(key);
            PeerPath path = previous != null ? previous.path() : new PeerPath(probe);
            path.setDiscoveryAllowed(probe);
            List<InetSocketAddress> advertised = new ArrayList<>();
            if (n.endpoints() != null) {
                for (String e : n.endpoints()) {
                    EndpointText.parse(e).ifPresent(advertised::add);
                }
            }
            path.setAdvertised(advertised);
            advertised.forEach(a -> endpointOwners.put(a, key));
            Entry peer = new Entry(key, n.name(), discoKey, n.homeRegion(), path);
            byNodeKey.put(key, peer);
            byKeyText.put(n.key(), peer);
            if (discoKey != null) {
                byDiscoKey.put(discoKey, peer);
            }
        }
        Index next = new Index(Map.copyOf(byNodeKey), Map.copyOf(byDiscoKey), Map.copyOf(byKeyText));
        index = next;
        endpointOwners.entrySet().removeIf(e -> {
            Entry p = next.byNodeKey().get(e.getValue());
            return p == null || !p.path().knows(e.getKey());
        });
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

    /** The peer a datagram from {@code from} comes from, if DISCO tied that address to a peer; else null. */
    PublicKey ownerOf(InetSocketAddress from) {
        PublicKey owner = endpointOwners.get(from);
        Entry p = owner == null ? null : get(owner);
        return p != null && p.path().knows(from) ? owner : null;
    }

    /**
     * A candidate endpoint for {@code peer} learned from DISCO (a ping's source, a call-me-maybe).
     *
     * @param pingNow true for call-me-maybe: see {@link PeerPath#learn}
     */
    void learn(Entry peer, InetSocketAddress endpoint, boolean pingNow) {
        peer.path().learn(endpoint, pingNow);
        endpointOwners.put(endpoint, peer.nodeKey());
    }
}
