package io.microlink;

import io.microlink.netmap.Netmap;
import io.microlink.netmap.PeerEvent;

/**
 * Callbacks from a {@link TailnetNode}. They run on the node's control thread, one at a
 * time and in order; keep them short and never block in them.
 *
 * <pre>{@code
 * NodeListener listener = new NodeListener() {
 *     public void stateChanged(NodeState state, String detail) { log.info(state + ": " + detail); }
 *     public void peerChanged(PeerEvent e) { log.info(e.kind() + " " + e.peer().name()); }
 * };
 * }</pre>
 */
public interface NodeListener {
    default void stateChanged(NodeState state, String detail) {}

    /** A new netmap snapshot. */
    default void netmapChanged(Netmap netmap) {}

    /** One peer was added, removed, changed, or went online or offline. */
    default void peerChanged(PeerEvent event) {}

    /** Interactive login: visit this URL (or approve it in headscale) to let the node in. */
    default void loginUrl(String url) {}
}
