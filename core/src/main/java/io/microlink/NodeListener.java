package io.microlink;

/**
 * Callbacks from a {@link TailnetNode}. They run on the node's control thread, one at a
 * time and in order; keep them short and never block in them.
 *
 * <pre>{@code
 * NodeListener listener = new NodeListener() {
 *     public void stateChanged(NodeState state, String detail) { log.info(state + ": " + detail); }
 *     public void peerChanged(PeerEvent e) { log.info(e.kind() + " " + e.peer().fqdn()); }
 *     public void tailnetChanged(TailnetMap tailnet) { log.info(tailnet.peers().size() + " peers"); }
 * };
 * }</pre>
 */
public interface NodeListener {
    /**
     * The node moved to another state.
     *
     * @param state the new state
     * @param detail what goes with it, e.g. the last error; possibly empty
     */
    default void stateChanged(NodeState state, String detail) {}

    /**
     * A new snapshot of the tailnet, after each update from control (and once from the peer
     * cache at start); the same as {@link TailnetNode#tailnet()} returns from then on.
     *
     * @param tailnet the new snapshot
     */
    default void tailnetChanged(TailnetMap tailnet) {}

    /**
     * One peer was added, removed, changed, or went online or offline.
     *
     * @param event what changed
     */
    default void peerChanged(PeerEvent event) {}

    /**
     * Interactive login: visit this URL (or approve it in headscale) to let the node in.
     *
     * @param url the login URL
     */
    default void loginUrl(String url) {}

    /**
     * The node moved its traffic to another uplink ({@link TailnetNode.Builder#uplinks}): the
     * active one failed its health checks, or a more preferred one has been healthy long enough
     * to fail back to. Called on the uplink checker's thread.
     *
     * @param from   the interface traffic left through until now
     * @param to     the interface it leaves through from now on
     * @param reason why, in a few words
     */
    default void uplinkSwitched(String from, String to, String reason) {}
}
