package io.microlink;

import io.microlink.control.wire.MapResponse;
import io.microlink.control.wire.Node;
import io.microlink.control.wire.PeerChange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * One line per map-stream message for the debug log: which peers it lists, changes, patches or
 * removes, by node ID, and which other parts it carries. Enough to tell what control said when
 * the netmap disagrees with a peer's, without logging keys, names or addresses.
 */
final class MapSummary {
    private MapSummary() {}

    static String of(MapResponse m) {
        List<String> parts = new ArrayList<>();
        ids(parts, "peers", m.peers(), Node::id);
        ids(parts, "changed", m.peersChanged(), Node::id);
        ids(parts, "removed", m.peersRemoved(), Function.identity());
        ids(parts, "patched", m.peersChangedPatch(), PeerChange::nodeId);
        if (m.onlineChange() != null) {
            parts.add("online " + m.onlineChange());
        }
        if (m.node() != null) {
            parts.add("self");
        }
        if (m.packetFilter() != null || m.packetFilters() != null) {
            parts.add("filter");
        }
        if (m.dnsConfig() != null) {
            parts.add("dns");
        }
        if (m.derpMap() != null) {
            parts.add("derp map");
        }
        if (m.keepAlive()) {
            parts.add("keep-alive");
        }
        return parts.isEmpty() ? "(empty)" : String.join(", ", parts);
    }

    private static <T> void ids(List<String> parts, String what, Collection<T> items, Function<T, Long> id) {
        if (items != null) {
            parts.add(what + " " + items.stream().map(id).toList());
        }
    }
}
