package io.microlink.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.host.settings.InvalidSettingsException;
import io.microlink.netstack.socket.StreamListener;
import io.microlink.NodeMetrics;
import io.microlink.StateException;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the web page and API need from the node's host (the daemon): status, peers, the DISCO
 * allowlist, settings, a restart, and who a tailnet address belongs to. {@link NodeWebBackend}
 * implements it over a {@link io.microlink.TailnetNode} and a {@link NodeHost}.
 *
 * <pre>{@code
 * WebBackend backend = new NodeWebBackend(node, new StoreNodeHost(node, new SettingsStore(stateDir), restart));
 * try (WebServer web = WebServer.start(backend, WebOptions.from(backend.settings().settings()))) { ... }
 * }</pre>
 */
public interface WebBackend {
    NodeStatus status();

    /** Every peer in the current netmap, with how it is reached. */
    List<PeerInfo> peers();

    /** The DISCO allowlist in effect; empty means every peer is probed. */
    Set<String> discoAllowlist();

    /**
     * Saves and applies a new DISCO allowlist (no restart needed).
     *
     * @throws InvalidSettingsException for entries that cannot name a peer
     * @throws StateException           if it cannot be saved
     */
    Set<String> setDiscoAllowlist(Collection<String> peers) throws StateException;

    /** The saved settings, and which of them wait for a restart. */
    SettingsView settings() throws StateException;

    /**
     * Validates, saves and applies what it can of a partial update (a JSON object of settings
     * by their JSON names, see {@link io.microlink.host.settings.NodeSettings#withChanges}).
     *
     * @throws InvalidSettingsException for unknown names, wrong types and values out of range
     * @throws StateException           if the settings cannot be saved
     */
    SettingsView updateSettings(JsonNode patch) throws StateException;

    /**
     * Restarts the node with the saved settings. Called after the answer to the request was
     * sent, on a thread of its own, so it may close the web server that asked.
     */
    void restart();

    /**
     * Each peer's round trip on its direct path now, by {@link PeerInfo#name()}, for the monitor's
     * latency chart; peers reached only through a relay have none. None by default.
     */
    default Map<String, Duration> peerLatencies() {
        return Map.of();
    }

    /** The node's counters now, for {@code /metrics}. */
    NodeMetrics metrics();

    /** The tailnet user (login name) owning the node at {@code address}; empty for a tagged or unknown node. */
    Optional<String> userOf(InetAddress address);

    /** This node's own tailnet addresses and MagicDNS names: the only Host names its page answers to. */
    Set<String> ownNames();

    /** Listens on {@code port} of this node's tailnet addresses. */
    StreamListener listenOnTailnet(int port) throws IOException;

    /** The LOPOWER bridge running beside the node, whose devices the local page shows; empty when there is none. */
    default Optional<DeviceBridge> devices() {
        return Optional.empty();
    }
}
