package io.microlink.netmap;

import io.microlink.control.wire.Node;

/**
 * One change to the peer list, derived from a netmap update.
 *
 * @param previous the peer before the change; null for {@link Kind#ADDED}
 * @param peer     the peer after the change; for {@link Kind#REMOVED} the peer as it was
 */
public record PeerEvent(Kind kind, Node peer, Node previous) {
    public enum Kind {
        ADDED, REMOVED, CHANGED, ONLINE, OFFLINE
    }
}
