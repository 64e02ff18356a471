package io.microlink.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.PeerPathStatus;
import io.microlink.TailnetNode;
import io.microlink.WhoIs;
import io.microlink.control.wire.DerpMap;
import io.microlink.control.wire.Node;
import io.microlink.host.settings.NodeSettings;
import io.microlink.magicsock.Magicsock;
import io.microlink.netmap.Netmap;
import io.microlink.netstack.socket.StreamListener;
import io.microlink.state.StateException;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

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
    /** Orders read-change-save so two writers cannot lose each other's change. */
    private final Object saving = new Object();

    public NodeWebBackend(TailnetNode node, NodeHost host) {
        this.node = node;
        this.host = host;
    }

    @Override
    public NodeStatus status() {
        Netmap map = node.netmap();
        Optional<Node> self = map.self();
        String fqdn = self.map(n -> stripDot(n.name())).orElse(null);
        Optional<WhoIs> who = self.flatMap(n -> firstAddress(n)).flatMap(node::whois);
        return new NodeStatus(fqdn == null ? null : shortName(fqdn), fqdn, node.state().name(), node.stateDetail(),
                self.map(NodeWebBackend::addresses).orElse(List.of()), who.flatMap(NodeWebBackend::personOf).orElse(null),
                controlUrl(), node.udpPort(), homeDerp(map));
    }

    /** The home relay from magicsock, named from the DERP map, with the last netcheck's round trip to it. */
    private NodeStatus.HomeDerp homeDerp(Netmap map) {
        int region = node.homeDerpRegion();
        if (region == 0) {
            return null;
        }
        Optional<DerpMap.Region> r = map.derpMap().map(m -> m.regions().get(region));
        Double latency = node.lastNetcheck().map(n -> n.latencies().get(region)).map(d -> d.toNanos() / 1e6)
                .orElse(null);
        return new NodeStatus.HomeDerp(region, r.map(DerpMap.Region::regionCode).orElse(Integer.toString(region)),
                r.map(DerpMap.Region::regionName).orElse(null), latency);
    }

    @Override
    public List<PeerInfo> peers() {
        Netmap map = node.netmap();
        Map<String, PeerPathStatus> paths = new HashMap<>();
        node.peerPaths().forEach(p -> paths.put(p.peer(), p));
        Set<Long> allowlisted = new HashSet<>();
        for (String entry : node.discoAllowlist()) {
            Magicsock.matchPeer(map, entry).ifPresent(n -> allowlisted.add(n.id()));
        }
        List<PeerInfo> out = new ArrayList<>(map.peers().size());
        for (Node n : map.peers()) {
            String fqdn = stripDot(n.name());
            PeerPathStatus p = paths.get(n.name());
            String path = p == null || p.path().equals("none") ? PeerInfo.NONE
                    : p.path().startsWith("DERP(") ? PeerInfo.DERP : PeerInfo.DIRECT;
            String via = switch (path) {
                case PeerInfo.DERP -> p.path().substring(5, p.path().length() - 1);
                case PeerInfo.DIRECT -> p.path();
                default -> null;
            };
            String user = n.tags() != null && !n.tags().isEmpty() ? null
                    : map.user(n.user()).map(u -> u.loginName()).orElse(null);
            String os = n.hostinfo() == null ? null : n.hostinfo().os();
            out.add(new PeerInfo(shortName(fqdn), fqdn, addresses(n), user, os, n.online(), n.lastSeen(), path, via,
                    p == null ? null : p.lastHandshake(), p == null ? 0 : p.rxBytes(), p == null ? 0 : p.txBytes(),
                    allowlisted.contains(n.id())));
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
    public Optional<String> userOf(InetAddress address) {
        return node.whois(address).filter(w -> !w.self()).flatMap(NodeWebBackend::personOf);
    }

    @Override
    public Set<String> ownNames() {
        Set<String> names = new LinkedHashSet<>();
        node.netmap().self().ifPresent(n -> {
            names.addAll(addresses(n));
            if (n.name() != null && !n.name().isEmpty()) {
                names.add(stripDot(n.name()));
                names.add(shortName(stripDot(n.name())));
            }
        });
        return names;
    }

    @Override
    public StreamListener listenOnTailnet(int port) throws IOException {
        return node.listen(port);
    }

    /** A person's login; a tagged node belongs to no person, whatever user control files it under. */
    private static Optional<String> personOf(WhoIs who) {
        return who.tags().isEmpty() && !who.loginName().isEmpty() ? Optional.of(who.loginName()) : Optional.empty();
    }

    private static Optional<InetAddress> firstAddress(Node n) {
        return addresses(n).stream().findFirst().map(InetAddress::ofLiteral);
    }

    private static List<String> addresses(Node n) {
        return n.addresses() == null ? List.of()
                : n.addresses().stream().map(a -> a.split("/", 2)[0]).collect(Collectors.toList());
    }

    private static String stripDot(String name) {
        return name == null ? "" : name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static String shortName(String fqdn) {
        return fqdn.split("\\.", 2)[0];
    }
}
