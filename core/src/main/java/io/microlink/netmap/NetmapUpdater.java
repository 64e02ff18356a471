package io.microlink.netmap;

import io.microlink.PeerEvent.Kind;
import io.microlink.control.wire.FilterRule;
import io.microlink.control.wire.MapResponse;
import io.microlink.control.wire.Node;
import io.microlink.control.wire.PeerChange;
import io.microlink.control.wire.UserProfile;
import io.microlink.key.KeyFormatException;
import io.microlink.key.KeyKind;
import io.microlink.key.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Applies one map-stream message to a netmap, sans I/O: full peer lists, PeersChanged,
 * PeersRemoved, PeersChangedPatch, OnlineChange, PeerSeenChange, DERPMap, DNSConfig,
 * PacketFilter and PacketFilters, UserProfiles, Domain and ControlTime. It returns the next
 * snapshot and the peer events the message caused.
 *
 * <pre>{@code
 * NetmapUpdater.Result r = NetmapUpdater.apply(current, response);
 * current = r.netmap();
 * r.events().forEach(listener::onPeerEvent);
 * }</pre>
 */
public final class NetmapUpdater {
    private static final System.Logger LOG = System.getLogger("io.microlink.netmap");
    /** The legacy single filter is the named filter "base". */
    static final String BASE_FILTER = "base";
    private static final String CLEAR_ALL_FILTERS = "*";

    private NetmapUpdater() {}

    /** The next snapshot and what happened to peers on the way. */
    public record Result(Netmap netmap, List<PeerUpdate> events) {}

    public static Netmap empty() {
        return Netmap.EMPTY;
    }

    public static Result apply(Netmap prev, MapResponse r) {
        if (r.keepAlive() && r.node() == null && r.peers() == null && r.peersChanged() == null) {
            return new Result(prev, List.of());
        }
        SortedMap<Long, Node> peers = new TreeMap<>(prev.peerMap());
        if (r.peers() != null) {
            peers.clear();
            r.peers().forEach(p -> putIfReachable(peers, p));
        } else {
            // Removals first, as tailscale's client applies them: a peer both removed and changed in
            // one message (re-added, say with a new key) ends up present.
            if (r.peersRemoved() != null) {
                r.peersRemoved().forEach(peers::remove);
            }
            if (r.peersChanged() != null) {
                r.peersChanged().forEach(p -> putIfReachable(peers, p));
            }
            if (r.peersChangedPatch() != null) {
                for (PeerChange c : r.peersChangedPatch()) {
                    Node patched = peers.computeIfPresent(c.nodeId(), (id, p) -> patch(p, c));
                    if (patched != null && c.key() != null) {
                        putIfReachable(peers, patched);
                    }
                }
            }
            if (r.onlineChange() != null) {
                r.onlineChange().forEach((id, online) -> peers.computeIfPresent(id, (k, p) -> withOnline(p, online)));
            }
            if (r.peerSeenChange() != null) {
                Instant seen = r.controlTime() != null ? r.controlTime() : Instant.now();
                r.peerSeenChange().forEach((id, isSeen) ->
                        peers.computeIfPresent(id, (k, p) -> withLastSeen(p, isSeen ? seen : null)));
            }
        }
        Netmap next = new Netmap(
                r.node() != null ? r.node() : prev.self().orElse(null),
                peers,
                r.derpMap() != null ? r.derpMap() : prev.derpMap().orElse(null),
                r.dnsConfig() != null ? r.dnsConfig() : prev.dns().orElse(null),
                filters(prev.packetFilterMap(), r),
                users(prev.userMap(), r),
                r.domain() != null ? r.domain() : prev.domain().orElse(null),
                r.controlTime() != null ? r.controlTime() : prev.controlTime().orElse(null));
        return new Result(next, diff(prev.peerMap(), peers));
    }

    private static SortedMap<String, List<FilterRule>> filters(SortedMap<String, List<FilterRule>> prev, MapResponse r) {
        if (r.packetFilter() == null && r.packetFilters() == null) {
            return prev;
        }
        SortedMap<String, List<FilterRule>> next = new TreeMap<>(prev);
        if (r.packetFilter() != null) {
            next.put(BASE_FILTER, List.copyOf(r.packetFilter()));
        }
        if (r.packetFilters() != null) {
            if (r.packetFilters().containsKey(CLEAR_ALL_FILTERS) && r.packetFilters().get(CLEAR_ALL_FILTERS) == null) {
                next.clear();
            }
            r.packetFilters().forEach((name, rules) -> {
                if (rules == null) {
                    next.remove(name);
                } else {
                    next.put(name, List.copyOf(rules));
                }
            });
        }
        return next;
    }

    private static Map<Long, UserProfile> users(Map<Long, UserProfile> prev, MapResponse r) {
        if (r.userProfiles() == null) {
            return prev;
        }
        Map<Long, UserProfile> next = new HashMap<>(prev);
        r.userProfiles().forEach(u -> next.put(u.id(), u));
        return Map.copyOf(next);
    }

    private static List<PeerUpdate> diff(SortedMap<Long, Node> before, SortedMap<Long, Node> after) {
        List<PeerUpdate> events = new ArrayList<>();
        for (Node old : before.values()) {
            if (!after.containsKey(old.id())) {
                events.add(new PeerUpdate(Kind.REMOVED, old, old));
            }
        }
        for (Node now : after.values()) {
            Node old = before.get(now.id());
            if (old == null) {
                events.add(new PeerUpdate(Kind.ADDED, now, null));
            } else if (!old.equals(now)) {
                boolean wasOnline = Boolean.TRUE.equals(old.online());
                boolean isOnline = Boolean.TRUE.equals(now.online());
                Kind kind = wasOnline == isOnline ? Kind.CHANGED
                        : isOnline ? Kind.ONLINE : Kind.OFFLINE;
                events.add(new PeerUpdate(kind, now, old));
            }
        }
        return events;
    }

    /**
     * A peer goes into the netmap only with a node key we can parse: without one nothing can
     * reach it (no WireGuard session, no DERP address), and every reader of the netmap may then
     * rely on the key. Control that sends a bad one (a bug, or hostile) loses that peer, not the
     * map.
     */
    private static void putIfReachable(SortedMap<Long, Node> peers, Node p) {
        if (hasNodeKey(p)) {
            peers.put(p.id(), PeerCompaction.compact(p));
        } else {
            peers.remove(p.id());
            LOG.log(System.Logger.Level.WARNING, "control sent peer {0} without a usable node key; left out",
                    String.valueOf(p.id()));
        }
    }

    private static boolean hasNodeKey(Node p) {
        if (p.key() == null) {
            return false;
        }
        try {
            PublicKey.parse(KeyKind.NODE, p.key());
            return true;
        } catch (KeyFormatException e) {
            return false;
        }
    }

    static Node patch(Node p, PeerChange c) {
        return new Node(p.id(), p.stableId(), p.name(), p.user(),
                changed(c.key(), p.key()),
                changed(c.keyExpiry(), p.keyExpiry()),
                p.machine(),
                changed(c.discoKey(), p.discoKey()),
                p.addresses(), p.allowedIps(),
                changed(c.endpoints(), p.endpoints()),
                p.derp(),
                c.derpRegion() != null ? c.derpRegion() : p.homeDerp(),
                p.hostinfo(),
                c.online() != null ? c.online() : p.online(),
                changed(c.lastSeen(), p.lastSeen()),
                p.machineAuthorized(), p.expired(), p.tags(), p.primaryRoutes(), p.capabilities(), p.capMap());
    }

    /** The change if there is one, else the old value (which may itself be absent). */
    private static <T> T changed(T change, T old) {
        return change != null ? change : old;
    }

    private static Node withOnline(Node p, boolean online) {
        return patch(p, new PeerChange(p.id(), null, null, null, null, online, null, null));
    }

    private static Node withLastSeen(Node p, Instant lastSeen) {
        return new Node(p.id(), p.stableId(), p.name(), p.user(), p.key(), p.keyExpiry(), p.machine(), p.discoKey(),
                p.addresses(), p.allowedIps(), p.endpoints(), p.derp(), p.homeDerp(), p.hostinfo(), p.online(),
                lastSeen, p.machineAuthorized(), p.expired(), p.tags(), p.primaryRoutes(), p.capabilities(),
                p.capMap());
    }
}
