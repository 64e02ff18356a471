package io.microlink.web;

import io.microlink.state.NodeSettings;

/**
 * What only the node's host (the daemon) can do for {@link NodeWebBackend}: restart the node,
 * and apply saved settings that need no restart (up/down, web port, debug flags).
 *
 * <pre>{@code
 * NodeHost host = new NodeHost() {
 *     public void restart() { daemon.restartNode(); }
 *     public void settingsSaved(NodeSettings before, NodeSettings after) { daemon.apply(after); }
 * };
 * }</pre>
 */
public interface NodeHost {
    /** Rebuilds the node from the saved settings; runs on a thread of its own after the answer went out. */
    void restart();

    /**
     * Settings were saved; called on the request's thread with the lock that orders saves held,
     * so keep it short: to move the web server (port, on/off), do that on another thread.
     */
    void settingsSaved(NodeSettings previous, NodeSettings current);
}
