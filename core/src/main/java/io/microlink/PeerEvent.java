package io.microlink;

import java.util.Objects;
import java.util.Optional;

/**
 * One change to the tailnet's peers, from a netmap update; {@link NodeListener#peerChanged}
 * receives them before the {@link NodeListener#tailnetChanged} of the same update.
 *
 * <pre>{@code
 * public void peerChanged(PeerEvent e) {
 *     if (e.kind() == PeerEvent.Kind.OFFLINE) {
 *         alarm(e.peer().shortName() + " went offline");
 *     }
 * }
 * }</pre>
 *
 * @param kind what happened to the peer
 * @param peer     the peer after the change; for {@link Kind#REMOVED} the peer as it was
 * @param previous the peer before the change; empty for {@link Kind#ADDED}
 */
public record PeerEvent(Kind kind, Peer peer, Optional<Peer> previous) {
    /** Checks that no component is null. */
    public PeerEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(previous, "previous");
    }

    /** What happened to the peer. */
    public enum Kind {
        /** Joined the netmap (or was in the first one). */
        ADDED,
        /** Left the netmap: deleted, or no longer visible to this node under the tailnet's ACLs. */
        REMOVED,
        /** Changed while its online state stayed: addresses, keys, name, tags, last seen, paths... */
        CHANGED,
        /** Control now sees it connected (other things may have changed with it). */
        ONLINE,
        /** Control no longer sees it connected (other things may have changed with it). */
        OFFLINE
    }
}
