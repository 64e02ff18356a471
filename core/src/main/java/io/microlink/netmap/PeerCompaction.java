package io.microlink.netmap;

import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.Node;
import java.util.List;

/**
 * A peer as the netmap keeps it: only what the node reads, and the strings that repeat across
 * peers held once. A tailnet of thousands lists each peer with about two dozen strings, and
 * many are the same for every peer (its OS, tags, the legacy DERP field), or never read for a
 * peer at all (its machine key, stable ID, capabilities, OS version, Go version and
 * architecture, network report: only this node's own capabilities matter to it). What the node
 * reads of a peer's {@link Hostinfo} is its OS and host name (the public {@code Peer}) and its
 * services (an exit node's DNS-over-HTTP).
 *
 * <pre>{@code
 * Node kept = PeerCompaction.compact(fromControl);
 * }</pre>
 */
final class PeerCompaction {
    private PeerCompaction() {}

    /** {@code p} with only what the node reads, its repeated strings shared. */
    static Node compact(Node p) {
        List<String> addresses = p.addresses();
        // For a peer without routes AllowedIPs equal Addresses: one list, not two (about 150 bytes a peer).
        List<String> allowedIps = p.allowedIps() != null && p.allowedIps().equals(p.addresses()) ? addresses
                : p.allowedIps();
        return new Node(p.id(), null, p.name(), p.user(), p.key(), p.keyExpiry(), null, p.discoKey(),
                addresses, allowedIps, p.endpoints(), null, p.homeRegion(), hostinfo(p.hostinfo()), p.online(),
                p.lastSeen(), p.machineAuthorized(), p.expired(), internAll(p.tags()), p.primaryRoutes(), null, null);
    }

    private static Hostinfo hostinfo(Hostinfo h) {
        if (h == null || (h.os() == null && h.hostname() == null && h.services() == null)) {
            return null;
        }
        return new Hostinfo(null, intern(h.os()), null, h.hostname(), null, null, null, null, h.services());
    }

    private static String intern(String s) {
        return s == null ? null : s.intern();
    }

    private static List<String> internAll(List<String> list) {
        return list == null ? null : list.stream().map(String::intern).toList();
    }
}
