package io.microlink.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.AddressText;
import io.microlink.DerpRegion;
import io.microlink.Peer;
import io.microlink.NodeMetrics;
import io.microlink.PeerPathStatus;
import io.microlink.TailnetMap;
import io.microlink.TailnetNode;
import io.microlink.WhoIs;
import io.microlink.host.settings.NodeSettings;
import io.microlink.netstack.socket.StreamListener;
import io.microlink.StateException;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link WebBackend} of a running {@link TailnetNode}: status, peers and paths come from the
 * node; settings are read, saved and applied through its {@link NodeHost} (the daemon, or a
 * {@link StoreNodeHost}), which also restarts it.
 *
 * <pre>{@code
 * WebBackend backend = new NodeWebBackend(node, new StoreNodeHost(node, new SettingsStore(dir), restart));
 * }</pre>
 */
public final class NodeWebBackend implements WebBackend {
    private final TailnetNode node;
    private final NodeHost host;
    private final DeviceBridge devices;
    /** Orders read-change-save so two writers cannot lose each other's change. */
    private final Object saving = new Object();

    public NodeWebBackend(TailnetNode node, NodeHost host) {
        this(node, host, null);
    }

    /** The page of {@code node} with a Devices view of {@code devices}, a LOPOWER bridge on that node. */
    public NodeWebBackend(TailnetNode node, NodeHost host, DeviceBridge devices) {
        this.node = node;
        this.host = host;
        this.devices = devices;
    }

    @Override
    public Optional<DeviceBridge> devices() {
        return Optional.ofNullable(devices);
    }

    @Override
    public NodeStatus status() {
        TailnetMap map = node.tailnet();
        Optional<Peer> self = map.self();
        return new NodeStatus(self.map(Peer::shortName).orElse(null), self.map(Peer::fqdn).orElse(null),
                node.state().name(), node.stateDetail(), self.map(NodeWebBackend::addresses).orElse(List.of()),
                self.flatMap(p -> person(p.tags(), p.loginName())).orElse(null), controlUrl(), node.udpPort(),
                homeDerp(map), node.advertisedRoutes(), node.approvedRoutes(), node.uplinks(),
                node.healthWarnings());
    }

    /** The home relay from magicsock, named from the DERP map, with the last netcheck's round trip to it. */
    private NodeStatus.HomeDerp homeDerp(TailnetMap map) {
        int region = node.homeDerpRegion();
        if (region == 0) {
            return null;
        }
        Optional<DerpRegion> r = map.derpRegion(region);
        Double latency = node.lastNetcheck().map(n -> n.latencies().get(region)).map(d -> d.toNanos() / 1e6)
                .orElse(null);
        return new NodeStatus.HomeDerp(region, r.map(DerpRegion::code).orElse(Integer.toString(region)),
                r.map(DerpRegion::name).filter(name -> !name.isEmpty()).orElse(null), latency);
    }

    @Override
    public List<PeerInfo> peers() {
        TailnetMap map = node.tailnet();
        Map<String, PeerPathStatus> paths = new HashMap<>();
        node.peerPaths().forEach(p -> paths.put(p.peer(), p));
        Set<Long> allowlisted = new HashSet<>();
        for (String entry : node.discoAllowlist()) {
            map.find(entry).ifPresent(n -> allowlisted.add(n.id()));
        }
        long exitNode = node.exitNode().map(Peer::id).orElse(-1L);
        List<PeerInfo> out = new ArrayList<>(map.peers().size());
        for (Peer n : map.peers()) {
            PeerPathStatus p = paths.get(n.fqdn());
            String path = p == null || p.path().equals("none") ? PeerInfo.NONE
                    : p.path().startsWith("DERP(") ? PeerInfo.DERP : PeerInfo.DIRECT;
            String via = switch (path) {
                case PeerInfo.DERP -> p.path().substring(5, p.path().length() - 1);
                case PeerInfo.DIRECT -> p.path();
                default -> null;
            };
            out.add(new PeerInfo(n.shortName(), n.fqdn(), addresses(n), person(n.tags(), n.loginName()).orElse(null),
                    n.os().isEmpty() ? null : n.os(), n.online().orElse(null), n.lastSeen().orElse(null), path, via,
                    p == null ? null : p.lastHandshake(), p == null ? 0 : p.rxBytes(), p == null ? 0 : p.txBytes(),
                    allowlisted.contains(n.id()), n.routes(), n.exitNode(), exitNode == n.id()));
        }
        return out;
    }

    @Override
    public Map<String, Duration> peerLatencies() {
        TailnetMap map = node.tailnet();
        Map<String, Duration> out = new HashMap<>();
        for (PeerPathStatus p : node.peerPaths()) {
            if (p.latency() != null) {
                map.find(p.peer()).ifPresent(n -> out.put(n.shortName(), p.latency()));
            }
        }
        return out;
    }

    @Override
    public Set<String> discoAllowlist() {
        return node.discoAllowlist();
    }

    @Override
    public Set<String> setDiscoAllowlist(Collection<String> peers) throws StateException {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        peers.forEach(patch.putArray(NodeSettings.Field.DISCO_ALLOWLIST.jsonName())::add);
        return new LinkedHashSet<>(updateSettings(patch).settings().discoAllowlist());
    }

    @Override
    public SettingsView settings() throws StateException {
        return new SettingsView(host.settings(), Set.of(), host.waitingForRestart());
    }

    @Override
    public SettingsView updateSettings(JsonNode patch) throws StateException {
        synchronized (saving) {
            NodeSettings before = host.settings();
            NodeSettings after = before.withChanges(patch);
            Set<NodeSettings.Field> changed = after.changedFrom(before);
            if (!changed.isEmpty()) {
                host.save(after);
            }
            return new SettingsView(after, changed, host.waitingForRestart());
        }
    }

    /** The saved control server (a change of it takes effect at the next restart). */
    private String controlUrl() {
        try {
            return host.settings().controlUrl();
        } catch (StateException e) {
            return null;
        }
    }

    @Override
    public void restart() {
        host.restart();
    }

    @Override
    public NodeMetrics metrics() {
        return node.metrics();
    }

    @Override
    public Optional<String> userOf(InetAddress address) {
        return node.whois(address).filter(w -> !w.self()).flatMap(NodeWebBackend::personOf);
    }

    @Override
    public Set<String> ownNames() {
        Set<String> names = new LinkedHashSet<>();
        node.tailnet().self().ifPresent(n -> {
            names.addAll(addresses(n));
            if (!n.fqdn().isEmpty()) {
                names.add(n.fqdn());
                names.add(n.shortName());
            }
        });
        return names;
    }

    @Override
    public StreamListener listenOnTailnet(int port) throws IOException {
        return node.listen(port);
    }

    private static Optional<String> personOf(WhoIs who) {
        return person(who.tags(), who.loginName());
    }

    /** A person's login; a tagged node belongs to no person, whatever user control files it under. */
    private static Optional<String> person(List<String> tags, String loginName) {
        return tags.isEmpty() && !loginName.isEmpty() ? Optional.of(loginName) : Optional.empty();
    }

    /** As control writes them, which is how users type them in the page's search. */
    private static List<String> addresses(Peer n) {
        return n.addresses().stream().map(AddressText::of).toList();
    }
}
