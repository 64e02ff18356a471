package io.microlink.netmap;

import io.microlink.control.wire.DerpMap;
import io.microlink.control.wire.DnsConfig;
import io.microlink.control.wire.FilterRule;
import io.microlink.control.wire.Node;
import io.microlink.control.wire.UserProfile;
import io.microlink.key.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of the tailnet as control last described it: this node, its peers,
 * relays, DNS and packet filter. Every change produces a new snapshot, so readers never
 * see a half-applied update.
 *
 * <pre>{@code
 * Netmap map = node.netmap();
 * Optional<Node> ts1 = map.resolve("ts1");                 // short name or FQDN
 * Optional<Node> byIp = map.peerByAddress("100.64.0.2");
 * }</pre>
 */
public final class Netmap {
    static final Netmap EMPTY = new Netmap(null, new TreeMap<>(), null, null, new TreeMap<>(), Map.of(), null, null);

    private final Node self;
    private final SortedMap<Long, Node> peers;
    private final DerpMap derpMap;
    private final DnsConfig dns;
    private final SortedMap<String, List<FilterRule>> packetFilters;
    private final Map<Long, UserProfile> users;
    private final String domain;
    private final Instant controlTime;
    private final Map<String, Node> byKey = new HashMap<>();
    private final Map<String, Node> byDiscoKey = new HashMap<>();
    private final Map<String, Node> byAddress = new HashMap<>();
    private final Map<String, Node> byName = new HashMap<>();

    Netmap(Node self, SortedMap<Long, Node> peers, DerpMap derpMap, DnsConfig dns,
           SortedMap<String, List<FilterRule>> packetFilters, Map<Long, UserProfile> users, String domain,
           Instant controlTime) {
        this.self = self;
        this.peers = peers;
        this.derpMap = derpMap;
        this.dns = dns;
        this.packetFilters = packetFilters;
        this.users = users;
        this.domain = domain;
        this.controlTime = controlTime;
        for (Node peer : peers.values()) {
            index(peer);
        }
    }

    /**
     * Indexes a peer. Where control's text is already canonical (lower case, an address with its
     * {@code /32} or {@code /128}, a name with its trailing dot) the key is the record's own
     * string, so the indexes add no strings of their own for it.
     */
    private void index(Node peer) {
        if (peer.key() != null) {
            byKey.put(peer.key(), peer);
        }
        if (peer.discoKey() != null) {
            byDiscoKey.put(peer.discoKey(), peer);
        }
        if (peer.addresses() != null) {
            for (String prefix : peer.addresses()) {
                byAddress.put(isHostPrefix(prefix) ? prefix : hostPart(prefix), peer);
            }
        }
        if (peer.name() != null && !peer.name().isEmpty()) {
            String lower = peer.name().toLowerCase(Locale.ROOT); // the same string when already lower case
            byName.put(lower.endsWith(".") ? lower : lower + ".", peer);
            byName.putIfAbsent(stripDot(lower).split("\\.", 2)[0], peer);
        }
    }

    /** Whether a prefix's text is a lower-case address with its host length: the index key as it is. */
    private static boolean isHostPrefix(String prefix) {
        return (prefix.endsWith("/32") || prefix.endsWith("/128")) && prefix.equals(prefix.toLowerCase(Locale.ROOT));
    }

    /** This node, or empty before the first map arrived. */
    public Optional<Node> self() {
        return Optional.ofNullable(self);
    }

    /** All peers, ordered by node ID. */
    public Collection<Node> peers() {
        return peers.values();
    }

    public Optional<Node> peer(long id) {
        return Optional.ofNullable(peers.get(id));
    }

    public Optional<Node> peerByNodeKey(PublicKey nodeKey) {
        return Optional.ofNullable(byKey.get(nodeKey.toString()));
    }

    /** The peer whose current disco key this is; DISCO from anyone else is dropped. */
    public Optional<Node> peerByDiscoKey(PublicKey discoKey) {
        return Optional.ofNullable(byDiscoKey.get(discoKey.toString()));
    }

    /** The peer owning a tailnet address such as {@code 100.64.0.2} or {@code fd7a:115c:a1e0::2}. */
    public Optional<Node> peerByAddress(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        Node n = byAddress.get(a + (a.indexOf(':') >= 0 ? "/128" : "/32"));
        return Optional.ofNullable(n != null ? n : byAddress.get(a));
    }

    /**
     * A peer by MagicDNS name: short ({@code ts1}) or fully qualified ({@code ts1.tailnet.test},
     * with or without the trailing dot), case-insensitive.
     */
    public Optional<Node> resolve(String name) {
        String bare = stripDot(name).toLowerCase(Locale.ROOT);
        Node fqdn = byName.get(bare + ".");
        return Optional.ofNullable(fqdn != null ? fqdn : byName.get(bare));
    }

    /**
     * The peer a user names in any of the forms the node accepts (a short or full MagicDNS
     * name, a tailnet address, node key text): the one lookup behind the DISCO allowlist, the
     * priority peer, ping and the public {@code TailnetMap.find}, so they cannot disagree.
     */
    public Optional<Node> find(String which) {
        return resolve(which).or(() -> peerByAddress(which)).or(() -> Optional.ofNullable(byKey.get(which)));
    }

    public Optional<DerpMap> derpMap() {
        return Optional.ofNullable(derpMap);
    }

    public Optional<DnsConfig> dns() {
        return Optional.ofNullable(dns);
    }

    /** The effective packet filter: every named rule list, concatenated in key order. */
    public List<FilterRule> packetFilter() {
        List<FilterRule> all = new ArrayList<>();
        packetFilters.values().forEach(all::addAll);
        return all;
    }

    public Optional<UserProfile> user(long id) {
        return Optional.ofNullable(users.get(id));
    }

    /** The tailnet's name as control reports it (headscale sends its server's host name). */
    public Optional<String> domain() {
        return Optional.ofNullable(domain);
    }

    public Optional<Instant> controlTime() {
        return Optional.ofNullable(controlTime);
    }

    SortedMap<Long, Node> peerMap() {
        return peers;
    }

    SortedMap<String, List<FilterRule>> packetFilterMap() {
        return packetFilters;
    }

    Map<Long, UserProfile> userMap() {
        return users;
    }

    static String hostPart(String prefix) {
        int slash = prefix.indexOf('/');
        return (slash < 0 ? prefix : prefix.substring(0, slash)).toLowerCase(Locale.ROOT);
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    @Override
    public String toString() {
        return "Netmap[self=" + (self == null ? "none" : self.name()) + ", peers=" + peers.size() + "]";
    }
}
