package io.microlink.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.NodeMetrics;
import io.microlink.PeerTraffic;
import io.microlink.host.settings.NodeSettings;
import io.microlink.host.settings.SettingsStore;
import io.microlink.netstack.socket.StreamListener;
import io.microlink.StateException;
import io.microlink.UplinkStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A node of user alice with 60 synthetic peers, settings in a real {@link SettingsStore}, and a
 * "tailnet" listener on loopback whose callers appear with the address a test chooses.
 */
final class FakeBackend implements WebBackend {
    static final String OWNER = "alice@";
    static final InetAddress SELF = InetAddress.ofLiteral("100.64.0.1");
    static final InetAddress ALICE_LAPTOP = InetAddress.ofLiteral("100.64.0.2");
    static final InetAddress BOB_PHONE = InetAddress.ofLiteral("100.64.0.3");
    static final InetAddress TAGGED_SERVER = InetAddress.ofLiteral("100.64.0.4");

    final SettingsStore store;
    final List<PeerInfo> peers = new ArrayList<>();
    final CountDownLatch restarted = new CountDownLatch(1);
    final List<NodeSettings> saved = new ArrayList<>();
    /** The LOPOWER bridge beside the node, or null for none. */
    volatile DeviceBridge bridge;
    /** The address the next tailnet connection appears to come from. */
    volatile InetAddress tailnetCaller = ALICE_LAPTOP;
    private final Map<InetAddress, String> users = new ConcurrentHashMap<>(Map.of(
            ALICE_LAPTOP, OWNER, BOB_PHONE, "bob@"));
    private volatile Set<String> allowlist = Set.of();

    FakeBackend(Path dir) {
        store = new SettingsStore(dir);
        for (int i = 1; i <= 60; i++) {
            String name = String.format("peer%02d", i);
            String path = i % 3 == 0 ? PeerInfo.DIRECT : i % 3 == 1 ? PeerInfo.DERP : PeerInfo.NONE;
            peers.add(new PeerInfo(name, name + ".tailnet.test", List.of("100.64.1." + i), i % 2 == 0 ? OWNER : "bob@",
                    i % 4 == 0 ? "windows" : "linux", i % 5 != 0, Instant.parse("2026-01-01T00:00:00Z"), path,
                    path.equals(PeerInfo.DIRECT) ? "127.0.0.1:" + (40000 + i) : path.equals(PeerInfo.DERP) ? "hs" : null,
                    null, i * 1000L, i * 10L, false, i == 7 ? List.of("10.77.0.0/24") : List.of(), i == 9, false));
        }
    }

    @Override
    public Optional<DeviceBridge> devices() {
        return Optional.ofNullable(bridge);
    }

    @Override
    public NodeStatus status() {
        return new NodeStatus("node", "node.tailnet.test", "CONNECTED", null, List.of("100.64.0.1", "fd7a:115c:a1e0::1"),
                OWNER, "http://127.0.0.1:1", 41641, new NodeStatus.HomeDerp(999, "hs", "Headscale Embedded DERP", 1.5),
                List.of("0.0.0.0/0", "::/0", "192.168.50.0/24"), List.of("192.168.50.0/24"),
                List.of(new UplinkStatus("wlan0", UplinkStatus.Health.DOWN, false),
                        new UplinkStatus("wwan0", UplinkStatus.Health.UP, true)),
                List.of("net.ipv4.ip_forward is off, so the kernel drops what peers send"));
    }

    @Override
    public List<PeerInfo> peers() {
        return peers.stream().map(p -> new PeerInfo(p.name(), p.fqdn(), p.addresses(), p.user(), p.os(), p.online(),
                p.lastSeen(), p.path(), p.via(), p.lastHandshake(), p.rxBytes(), p.txBytes(),
                allowlist.contains(p.fqdn()) || allowlist.contains(p.name()), p.routes(), p.exitNodeOption(),
                p.exitNode())).toList();
    }

    @Override
    public Set<String> discoAllowlist() {
        return allowlist;
    }

    @Override
    public Set<String> setDiscoAllowlist(Collection<String> entries) throws StateException {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        entries.forEach(patch.putArray("discoAllowlist")::add);
        return new LinkedHashSet<>(updateSettings(patch).settings().discoAllowlist());
    }

    @Override
    public SettingsView settings() throws StateException {
        return new SettingsView(store.load(), Set.of(), Set.of());
    }

    @Override
    public synchronized SettingsView updateSettings(JsonNode patch) throws StateException {
        NodeSettings before = store.load();
        NodeSettings after = before.withChanges(patch);
        store.save(after);
        saved.add(after);
        allowlist = Set.copyOf(after.discoAllowlist());
        Set<NodeSettings.Field> waiting = new LinkedHashSet<>();
        after.changedFrom(NodeSettings.defaults()).stream().filter(NodeSettings.Field::needsRestart)
                .filter(f -> f != NodeSettings.Field.DISCO_ALLOWLIST).forEach(waiting::add);
        return new SettingsView(after, after.changedFrom(before), waiting);
    }

    @Override
    public void restart() {
        restarted.countDown();
    }

    /** A peer name with every character the text format must escape in a label value. */
    static final String AWKWARD_PEER = "odd\\name \"quoted\"\nnext-line.tailnet.test";

    @Override
    public NodeMetrics metrics() {
        return new NodeMetrics(List.of(new PeerTraffic("peer01.tailnet.test", "derp", 1000, 10, 2000, 20),
                new PeerTraffic("peer01.tailnet.test", "direct", 3000, 30, 4000, 40),
                new PeerTraffic(AWKWARD_PEER, "direct", 5, 1, 6, 1)), 3, 12, 11, 9, 2,
                Map.of("hs", Duration.ofMillis(1500)), 4, Map.of("filter_no_rule", 7L, "wireguard_replay", 1L), 5, 2);
    }

    @Override
    public Optional<String> userOf(InetAddress address) {
        return Optional.ofNullable(users.get(address));
    }

    @Override
    public Set<String> ownNames() {
        return Set.of("100.64.0.1", "fd7a:115c:a1e0::1", "node.tailnet.test", "node");
    }

    @Override
    public StreamListener listenOnTailnet(int port) throws IOException {
        return StreamListener.of(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()) {
            @Override
            public Socket accept() throws IOException {
                CallerSocket socket = new CallerSocket();
                implAccept(socket);
                socket.caller = tailnetCaller; // read once the connection is there: tests set it just before
                return socket;
            }
        });
    }

    /** A loopback connection that names the caller a test chose, as a tailnet connection names its peer. */
    private static final class CallerSocket extends Socket {
        InetAddress caller;

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return new InetSocketAddress(caller, getPort());
        }
    }
}
