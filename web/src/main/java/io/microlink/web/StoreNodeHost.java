package io.microlink.web;

import io.microlink.TailnetNode;
import io.microlink.host.settings.NodeSettings;
import io.microlink.host.settings.SettingsStore;
import io.microlink.StateException;
import java.util.Set;

/**
 * A {@link NodeHost} for a program that runs its own {@link TailnetNode}: settings live in a
 * {@link SettingsStore}, the DISCO allowlist is applied to the node at once, everything else
 * that differs from the settings the node started with waits for {@code restart}, which the
 * program supplies.
 *
 * <pre>{@code
 * SettingsStore store = new SettingsStore(stateDir);
 * NodeHost host = new StoreNodeHost(node, store, () -> System.exit(3)); // a supervisor restarts us
 * }</pre>
 */
public final class StoreNodeHost implements NodeHost {
    private final TailnetNode node;
    private final SettingsStore store;
    private final Runnable restart;
    /** What the node runs with: the settings saved when it started, with what was applied since. */
    private NodeSettings running;

    /** @throws StateException if the saved settings cannot be read */
    public StoreNodeHost(TailnetNode node, SettingsStore store, Runnable restart) throws StateException {
        this.node = node;
        this.store = store;
        this.restart = restart;
        this.running = store.load();
    }

    @Override
    public NodeSettings settings() throws StateException {
        return store.load();
    }

    @Override
    public synchronized void save(NodeSettings next) throws StateException {
        store.save(next);
        if (!next.discoAllowlist().equals(running.discoAllowlist())) {
            node.setDiscoAllowlist(next.discoAllowlist());
            running = running.withValuesOf(next, Set.of(NodeSettings.Field.DISCO_ALLOWLIST));
        }
    }

    @Override
    public synchronized Set<NodeSettings.Field> waitingForRestart() throws StateException {
        return store.load().changedFrom(running);
    }

    @Override
    public void restart() {
        restart.run();
    }
}
