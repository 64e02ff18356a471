package io.microlink.web;

import io.microlink.host.settings.NodeSettings;
import io.microlink.StateException;
import java.util.Set;

/**
 * Who owns the node's settings and life, for {@link NodeWebBackend}: the daemon, or
 * {@link StoreNodeHost} for a program that runs its own node. The web page saves settings
 * through it and asks it to restart; it decides what applies at once.
 *
 * <pre>{@code
 * NodeHost host = new StoreNodeHost(node, new SettingsStore(stateDir), () -> restartMyNode());
 * WebBackend backend = new NodeWebBackend(node, host);
 * }</pre>
 */
public interface NodeHost {
    /** The saved settings. */
    NodeSettings settings() throws StateException;

    /**
     * Saves {@code next} and applies at once what needs no restart (the DISCO allowlist, debug
     * flags, a new auth key for a node waiting for one). Called on the request's thread: it must
     * not stop the node or the web server; that is what {@link #restart()} is for.
     */
    void save(NodeSettings next) throws StateException;

    /** Saved settings the running node does not use yet: they take effect at {@link #restart()}. */
    Set<NodeSettings.Field> waitingForRestart() throws StateException;

    /** Rebuilds the node (and its web server) from the saved settings; runs after the answer went out. */
    void restart();
}
