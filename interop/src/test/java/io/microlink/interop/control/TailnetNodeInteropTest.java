package io.microlink.interop.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.AddressText;
import io.microlink.NodeState;
import io.microlink.Peer;
import io.microlink.PeerEvent;
import io.microlink.PingPath;
import io.microlink.PingResult;
import io.microlink.TailnetNode;
import io.microlink.interop.PingReply;
import io.microlink.interop.Await;
import io.microlink.interop.Iptables;
import io.microlink.interop.FreePorts;
import io.microlink.interop.Headscale;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import io.microlink.key.PublicKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java node against a real headscale and real tailscaled peers. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TailnetNodeInteropTest {
    private static final Duration FEW_SECONDS = Duration.ofSeconds(20);
    private static final Duration CONNECT = Duration.ofSeconds(60);

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static TailnetNode node(String hostname, Path state, String authKey, NodeRecorder recorder) {
        return node(hostname, state, authKey, recorder, b -> { });
    }

    private static TailnetNode node(String hostname, Path state, String authKey, NodeRecorder recorder,
                                    java.util.function.Consumer<TailnetNode.Builder> settings) {
        TailnetNode.Builder builder = TailnetNode.builder()
                .controlUrl(tailnet.headscale().url())
                .authKey(authKey)
                .hostname(hostname)
                .stateDirectory(state)
                .backoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .plainHttpDerpForTesting();
        settings.accept(builder);
        TailnetNode node = builder.build();
        node.addListener(recorder);
        node.start();
        return node;
    }

    private static String aliceKey() {
        return tailnet.reusableKey(TestTailnet.DEFAULT_USER).key();
    }

    private static Path stateDir(String name) {
        return tailnet.dir().resolve("java-" + name);
    }

    @Test
    void joinsTheTailnetAndEveryoneSeesIt() throws Exception {
        Tailscaled ts1 = tailnet.addNode("ts1");
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-join", stateDir("join"), aliceKey(), rec)) {
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);

            Peer self = java.tailnet().self().orElseThrow();
            Headscale.Node inHeadscale = Await.result(FEW_SECONDS, "headscale to list java-join online",
                    () -> tailnet.headscale().node("java-join").filter(Headscale.Node::online).orElse(null));
            assertThat(inHeadscale.ipAddresses()).containsExactlyInAnyOrderElementsOf(
                    self.addresses().stream().map(AddressText::of).toList());
            assertThat(inHeadscale.nodeKey()).isEqualTo(java.nodeKey().toString());
            Await.until(FEW_SECONDS, "ts1 to list java-join", () -> ts1.status().peer("java-join").isPresent());

            Peer peer = Await.result(FEW_SECONDS, "ts1 in the Java netmap, online with a home DERP",
                    () -> java.tailnet().find("ts1").filter(p -> p.online().orElse(false) && p.homeDerpRegion() != 0)
                            .orElse(null));
            assertThat(peer.nodeKey().toString()).isEqualTo(ts1.status().self().publicKey());
            assertThat(peer.addresses()).extracting(AddressText::of).containsExactlyInAnyOrderElementsOf(ts1.ip());
            assertThat(peer.homeDerpRegion()).isEqualTo(tailnet.headscale().derpRegionId());
            assertThat(java.tailnet().find("ts1." + tailnet.headscale().baseDomain())).contains(peer);
            assertThat(java.tailnet().find(peer.nodeKey().toString())).contains(peer);
            assertThat(java.tailnet().find(ts1.ip("-4").getFirst())).contains(peer);
            assertThat(java.tailnet().derpRegion(tailnet.headscale().derpRegionId())).isPresent();

            // The state file holds private keys: owner-only.
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir("join").resolve("state.json"))))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(stateDir("join").resolve("state.json"))).doesNotContain(aliceKey());
        }
    }

    @Test
    void peerJoinsLeavesFlipsAndIsDeletedAsEvents() throws Exception {
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-events", stateDir("events"), aliceKey(), rec)) {
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);

            Tailscaled joiner = tailnet.addNode("joiner");
            rec.awaitEvent(PeerEvent.Kind.ADDED, "joiner", 0, FEW_SECONDS);
            Await.until(FEW_SECONDS, "joiner online in the Java netmap",
                    () -> java.tailnet().find("joiner").flatMap(Peer::online).orElse(false));

            int mark = rec.events.size();
            joiner.cli(Duration.ofSeconds(30), "down").requireSuccess();
            rec.awaitEvent(PeerEvent.Kind.OFFLINE, "joiner", mark, FEW_SECONDS);
            mark = rec.events.size();
            joiner.up(tailnet.headscale().url(), tailnet.reusableKey(TestTailnet.DEFAULT_USER));
            rec.awaitEvent(PeerEvent.Kind.ONLINE, "joiner", mark, FEW_SECONDS);

            tailnet.removeNode(joiner);

            // A node deleted in headscale. A fresh one: headscale v0.29.2 sends peers no
            // PeersRemoved for a node that went down and up before, or that is deleted within
            // its reconnect grace period right after its process stopped.
            Tailscaled doomed = tailnet.addNode("doomed");
            rec.awaitEvent(PeerEvent.Kind.ADDED, "doomed", mark, FEW_SECONDS);
            mark = rec.events.size();
            tailnet.headscale().deleteNode(tailnet.headscale().node("doomed").orElseThrow().id());
            rec.awaitEvent(PeerEvent.Kind.REMOVED, "doomed", mark, FEW_SECONDS);
            tailnet.removeNode(doomed);
            assertThat(java.tailnet().find("doomed")).isEmpty();
            // The node followed all of this on one stream: no reconnects.
            assertThat(rec.states).filteredOn(s -> s.state() == NodeState.CONNECTED).hasSize(1);
        }
    }

    @Test
    void survivesAHeadscaleRestartWithoutRegisteringAgain() {
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-restart", stateDir("restart"), aliceKey(), rec)) {
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);
            PublicKey key = java.nodeKey();
            long id = tailnet.headscale().node("java-restart").orElseThrow().id();

            int mark = rec.states.size();
            tailnet.headscale().restart();
            rec.awaitState(NodeState.CONNECTING, mark, FEW_SECONDS);
            rec.awaitState(NodeState.CONNECTED, mark, CONNECT);

            assertThat(java.nodeKey()).isEqualTo(key);
            assertThat(tailnet.headscale().nodes()).filteredOn(n -> n.givenName().startsWith("java-restart"))
                    .extracting(Headscale.Node::id).containsExactly(id);
        }
    }

    @Test
    void aRestartedProcessResumesFromItsStateWithoutAnAuthKey() {
        NodeRecorder first = new NodeRecorder();
        PublicKey key;
        try (TailnetNode java = node("java-resume", stateDir("resume"), aliceKey(), first)) {
            first.awaitState(NodeState.CONNECTED, 0, CONNECT);
            key = java.nodeKey();
        }
        assertThat(first.states.getLast().state()).isEqualTo(NodeState.STOPPED);
        long id = tailnet.headscale().node("java-resume").orElseThrow().id();

        NodeRecorder second = new NodeRecorder();
        try (TailnetNode again = node("java-resume", stateDir("resume"), null, second)) {
            second.awaitState(NodeState.CONNECTED, 0, CONNECT);
            assertThat(again.nodeKey()).isEqualTo(key);
        }
        assertThat(tailnet.headscale().nodes()).filteredOn(n -> n.givenName().startsWith("java-resume"))
                .extracting(Headscale.Node::id).containsExactly(id);
    }

    @Test
    void anExpiredKeyIsNoticedAndReplacedByRegisteringAgain() {
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-expiry", stateDir("expiry"), aliceKey(), rec)) {
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);
            PublicKey before = java.nodeKey();
            int mark = rec.states.size();

            tailnet.headscale().expireNode(tailnet.headscale().node("java-expiry").orElseThrow().id());

            rec.awaitState(NodeState.EXPIRED, mark, FEW_SECONDS);
            rec.awaitState(NodeState.CONNECTED, mark, CONNECT);
            assertThat(java.nodeKey()).isNotEqualTo(before);
            Await.until(FEW_SECONDS, "headscale to hold the new key", () -> tailnet.headscale().nodes().stream()
                    .anyMatch(n -> n.nodeKey().equals(java.nodeKey().toString()) && n.online()));
        }
    }

    @Test
    void interactiveLoginWaitsForApprovalInHeadscale() {
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-login", stateDir("login"), null, rec)) {
            String url = Await.result(FEW_SECONDS, "a login URL", () -> rec.loginUrls.isEmpty() ? null : rec.loginUrls.getFirst());
            assertThat(url).startsWith(tailnet.headscale().url() + "/register/");
            assertThat(java.state()).isEqualTo(NodeState.NEEDS_LOGIN);
            assertThat(java.stateDetail()).contains(url);

            tailnet.headscale().approveLogin(url, tailnet.user(TestTailnet.DEFAULT_USER));
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);
        }
    }

    @Test
    void tailscalePingReachesTheNodeViaItsHomeDerpThenDirectly() {
        Tailscaled relayed = tailnet.addNode("relayed", TestTailnet.DEFAULT_USER, Tailscaled.Options.DERP_ONLY);
        Tailscaled direct = tailnet.addNode("direct");
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-ping", stateDir("ping"), aliceKey(), rec)) {
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);
            // The node measured the DERP map, connected to its home region and told control.
            Await.until(FEW_SECONDS, "peers to see java-ping's home DERP",
                    () -> direct.status().seesOnlineWithHomeDerp("java-ping")
                            && relayed.status().seesOnlineWithHomeDerp("java-ping"));
            assertThat(direct.status().peer("java-ping").orElseThrow().relay())
                    .isEqualTo(tailnet.headscale().derpRegionCode());

            List<PingReply> viaDerp = relayed.ping("java-ping", "--until-direct=false", "-c", "1");
            assertThat(viaDerp.getFirst().via()).isEqualTo("DERP(" + tailnet.headscale().derpRegionCode() + ")");

            List<PingReply> replies = direct.ping("java-ping", "-c", "20");
            assertThat(replies.getLast().via()).isEqualTo("127.0.0.1:" + java.udpPort());

            // TSMP rides inside WireGuard: a pong proves handshake and transport both ways,
            // over the direct path and through the relay.
            String javaIp = AddressText.of(java.tailnet().self().orElseThrow().addresses().getFirst());
            assertThat(direct.ping("java-ping", "--tsmp", "-c", "1").getFirst().nodeIp()).isEqualTo(javaIp);
            assertThat(relayed.ping("java-ping", "--tsmp", "-c", "1").getFirst().nodeIp()).isEqualTo(javaIp);

            // The node's own view of those sessions, for status displays. Its replies made it
            // probe both peers: the one with UDP is proven direct, the other stays on the relay.
            String directPath = "127.0.0.1:" + direct.port();
            Await.until(FEW_SECONDS, "the node to prove the direct path to 'direct'",
                    () -> pathsByPeer(java).get("direct.tailnet.test").path().equals(directPath));
            var toRelayed = pathsByPeer(java).get("relayed.tailnet.test");
            assertThat(toRelayed.path()).isEqualTo("DERP(" + tailnet.headscale().derpRegionCode() + ")");
            assertThat(toRelayed.lastHandshake()).isNotNull();
            assertThat(toRelayed.rxBytes()).isPositive();
        }
    }

    private static Map<String, io.microlink.PeerPathStatus> pathsByPeer(TailnetNode node) {
        Map<String, io.microlink.PeerPathStatus> paths = new java.util.HashMap<>();
        node.peerPaths().forEach(p -> paths.put(p.peer(), p));
        return paths;
    }

    @Test
    void theNodePingsRealPeersViaDerpAndDirectly() throws Exception {
        Tailscaled relayed = tailnet.addNode("pinged-relayed", TestTailnet.DEFAULT_USER, Tailscaled.Options.DERP_ONLY);
        Tailscaled direct = tailnet.addNode("pinged-direct");
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-pinger", stateDir("pinger"), aliceKey(), rec)) {
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);
            Await.until(FEW_SECONDS, "the node to have a relay", () -> direct.status().seesOnlineWithHomeDerp("java-pinger"));
            String viaDerp = "DERP(" + tailnet.headscale().derpRegionCode() + ")";

            PingResult relayedOnly = java.ping("pinged-relayed", PingPath.ANY, Duration.ofSeconds(10));
            assertThat(relayedOnly.path()).isEqualTo(viaDerp); // it has no UDP at all
            assertThat(java.ping("pinged-direct", PingPath.DERP, Duration.ofSeconds(10)).path()).isEqualTo(viaDerp);
            PingResult directly = Await.result(FEW_SECONDS, "a direct pong", () -> {
                try {
                    PingResult r = java.ping("pinged-direct", PingPath.ANY, Duration.ofSeconds(5));
                    return r.direct() ? r : null;
                } catch (Exception e) {
                    return null;
                }
            });
            assertThat(directly.path()).isEqualTo("127.0.0.1:" + direct.port());
            assertThat(directly.latency()).isPositive();

            assertThatThrownBy(() -> java.ping("nobody", PingPath.ANY, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody");
        }
    }

    @Test
    void threeTailscaledNodesAndTheJavaNodeAllPingEachOther() throws Exception {
        List<Tailscaled> real = List.of(tailnet.addNode("trio1"), tailnet.addNode("trio2"), tailnet.addNode("trio3"));
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-trio", stateDir("trio"), aliceKey(), rec)) {
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);
            for (Tailscaled ts : real) {
                Await.until(FEW_SECONDS, ts.hostname() + " to see java-trio's relay",
                        () -> ts.status().seesOnlineWithHomeDerp("java-trio"));
            }
            for (Tailscaled a : real) {
                for (Tailscaled b : real) {
                    if (a != b) {
                        assertThat(a.ping(b.hostname(), "-c", "20").getLast().direct())
                                .as("%s -> %s", a.hostname(), b.hostname()).isTrue();
                    }
                }
                assertThat(a.ping("java-trio", "-c", "20").getLast().direct()).as(a.hostname() + " -> java").isTrue();
                assertThat(a.ping("java-trio", "--tsmp", "-c", "1")).as(a.hostname() + " -> java, TSMP").isNotEmpty();
                assertThat(java.ping(a.hostname(), PingPath.ANY, Duration.ofSeconds(10)).peer())
                        .startsWith(a.hostname() + ".");
            }
        }
    }

    @Test
    void withUdpBlockedTrafficFallsBackToDerpAndGoesDirectWhenItReturns() {
        Tailscaled peer = tailnet.addNode("blocky");
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-blocked", stateDir("blocked"), aliceKey(), rec)) {
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);
            Await.until(FEW_SECONDS, "blocky to see java-blocked's home DERP",
                    () -> peer.status().seesOnlineWithHomeDerp("java-blocked"));
            String direct = "127.0.0.1:" + java.udpPort();
            assertThat(peer.ping("java-blocked", "-c", "20").getLast().via()).isEqualTo(direct);

            // A firewall in this test's own network namespace: no UDP to or from the node's port.
            String port = Integer.toString(java.udpPort());
            try (Iptables.Rule in = Iptables.add("INPUT", "-p", "udp", "--dport", port, "-j", "DROP");
                 Iptables.Rule out = Iptables.add("OUTPUT", "-p", "udp", "--sport", port, "-j", "DROP")) {
                Await.until(CONNECT, "pings to fall back to DERP", () -> {
                    try {
                        return peer.ping("java-blocked", "--until-direct=false", "-c", "1").getFirst().viaDerp();
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
                assertThat(peer.ping("java-blocked", "--tsmp", "-c", "1")).as("WireGuard over DERP").isNotEmpty();
            }

            Await.until(CONNECT, "the direct path to return", () -> {
                try {
                    return peer.ping("java-blocked", "-c", "5").getLast().via().equals(direct);
                } catch (RuntimeException e) {
                    return false;
                }
            });
        }
    }

    @Test
    void onlyPeersOnTheDiscoAllowlistAreProbedForDirectPaths() {
        Tailscaled allowed = tailnet.addNode("allowed");
        Tailscaled other = tailnet.addNode("unlisted");
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-allow", stateDir("allow"), aliceKey(), rec,
                b -> b.discoAllowlist(List.of("allowed")).priorityPeer("allowed"))) {
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);
            for (Tailscaled ts : List.of(allowed, other)) {
                Await.until(FEW_SECONDS, ts.hostname() + " to see java-allow's home DERP",
                        () -> ts.status().seesOnlineWithHomeDerp("java-allow"));
                // TSMP pongs are traffic from the node, which is what starts its probing.
                assertThat(ts.ping("java-allow", "--tsmp", "-c", "1")).isNotEmpty();
            }
            Await.until(FEW_SECONDS, "the node to prove its direct path to 'allowed'",
                    () -> pathsByPeer(java).get("allowed.tailnet.test").path().equals("127.0.0.1:" + allowed.port()));
            // Longer than a probe round trip and a heartbeat: the unlisted peer was never probed.
            assertThat(other.ping("java-allow", "--tsmp", "-c", "3")).isNotEmpty();
            assertThat(pathsByPeer(java).get("unlisted.tailnet.test").path())
                    .isEqualTo("DERP(" + tailnet.headscale().derpRegionCode() + ")");
            // Reaching it still works both ways, through the relay.
            assertThat(other.ping("java-allow", "--tsmp", "-c", "1")).isNotEmpty();
        }
    }

    @Test
    void afterTheRelayRestartsPeersReachTheNodeThroughItAgain() {
        Tailscaled relayed = tailnet.addNode("relayed2", TestTailnet.DEFAULT_USER, Tailscaled.Options.DERP_ONLY);
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-relay", stateDir("relay"), aliceKey(), rec)) {
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);
            Await.until(FEW_SECONDS, "relayed2 to see java-relay's home DERP",
                    () -> relayed.status().seesOnlineWithHomeDerp("java-relay"));
            assertThat(relayed.ping("java-relay", "--tsmp", "-c", "1")).isNotEmpty();

            tailnet.headscale().restart(); // the embedded DERP server restarts with it

            // No restart of the node: it reconnects to control and to the relay by itself.
            Await.until(CONNECT, "a TSMP ping through the restarted relay", () -> {
                try {
                    return !relayed.ping("java-relay", "--tsmp", "-c", "1").isEmpty();
                } catch (RuntimeException e) {
                    return false;
                }
            });
        }
    }

    @Test
    void logoutThenLoginWithANewKey() throws Exception {
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-logout", stateDir("logout"), aliceKey(), rec)) {
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);
            int mark = rec.states.size();
            java.logout();
            rec.awaitState(NodeState.NEEDS_LOGIN, mark, FEW_SECONDS);

            int relogin = rec.states.size();
            java.login(aliceKey());
            rec.awaitState(NodeState.CONNECTED, relogin, CONNECT);
        }
    }

    @Test
    void anInvalidAuthKeyStopsAtNeedsLoginWithoutRetrying() throws Exception {
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-badkey", stateDir("badkey"), "definitely-not-a-key", rec)) {
            NodeRecorder.StateChange s = rec.awaitState(NodeState.NEEDS_LOGIN, 0, FEW_SECONDS);
            assertThat(s.detail()).contains("refused").doesNotContain("definitely-not-a-key");
            int count = rec.states.size();
            Thread.sleep(3000);
            assertThat(rec.states).hasSize(count); // no retry storm: it waits for a new key
        }
        assertThat(rec.states.getLast().state()).isEqualTo(NodeState.STOPPED);
    }

    @Test
    void aSilentMapStreamTripsTheWatchdogAndTheNodeReconnects() {
        NodeRecorder rec = new NodeRecorder();
        // headscale sends a keep-alive about once a minute; a 2 s watchdog must give up first.
        try (TailnetNode java = TailnetNode.builder().controlUrl(tailnet.headscale().url()).authKey(aliceKey())
                .hostname("java-watchdog").stateDirectory(stateDir("watchdog")).mapWatchdog(Duration.ofSeconds(2))
                .backoff(Duration.ofMillis(200), Duration.ofSeconds(1)).build()) {
            java.addListener(rec);
            java.start();
            rec.awaitState(NodeState.CONNECTED, 0, CONNECT);
            int mark = rec.states.size();
            NodeRecorder.StateChange dropped = rec.awaitState(NodeState.CONNECTING, mark, FEW_SECONDS);
            assertThat(dropped.detail()).containsIgnoringCase("timeout");
            rec.awaitState(NodeState.CONNECTED, mark, CONNECT);
        }
    }

    @Test
    void stoppedNodesLeaveNoThreadsBehind() {
        // OkHttp's shared TaskRunner threads retire themselves when idle; every other thread
        // (connection readers, dispatcher, our control thread) must end with the node.
        java.util.function.Supplier<List<String>> ours = () -> Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("OkHttp") && !n.contains("TaskRunner") || n.startsWith("microlink-"))
                .toList();
        List<String> before = ours.get();
        for (int i = 0; i < 3; i++) {
            NodeRecorder rec = new NodeRecorder();
            try (TailnetNode java = node("java-threads", stateDir("threads"), aliceKey(), rec)) {
                rec.awaitState(NodeState.CONNECTED, 0, CONNECT);
            }
            assertThat(rec.states.getLast().state()).isEqualTo(NodeState.STOPPED);
        }
        Await.until(FEW_SECONDS, () -> "threads to end, still: " + ours.get(), () -> ours.get().size() <= before.size());
    }

    @Test
    void anExpiredAuthKeyIsReportedAsSuch() throws Exception {
        Headscale.AuthKey shortLived = tailnet.headscale().createAuthKey(tailnet.user(TestTailnet.DEFAULT_USER), false,
                false, Duration.ofSeconds(1));
        Thread.sleep(2000);
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = node("java-oldkey", stateDir("oldkey"), shortLived.key(), rec)) {
            NodeRecorder.StateChange s = rec.awaitState(NodeState.NEEDS_LOGIN, 0, FEW_SECONDS);
            assertThat(s.detail()).containsIgnoringCase("expired").doesNotContain(shortLived.key());
        }
    }

    @Test
    void anUnreachableServerIsRetriedWithBackoffAndStopsCleanly() throws Exception {
        NodeRecorder rec = new NodeRecorder();
        TailnetNode java = TailnetNode.builder().controlUrl("http://127.0.0.1:" + FreePorts.tcp())
                .hostname("java-nowhere").stateDirectory(stateDir("nowhere")).authKey(aliceKey())
                .backoff(Duration.ofMillis(200), Duration.ofMillis(800)).build();
        java.addListener(rec);
        java.start();
        Thread.sleep(4000);
        java.close();
        List<NodeRecorder.StateChange> failures = rec.states.stream()
                .filter(s -> s.state() == NodeState.CONNECTING && s.detail().contains("unreachable")).toList();
        // 4 s with waits of at least 100..800 ms: a handful of tries, not hundreds.
        assertThat(failures.size()).isBetween(2, 25);
        assertThat(failures.getFirst().detail()).contains("connection refused by http://127.0.0.1:");
        assertThat(rec.states.getLast().state()).isEqualTo(NodeState.STOPPED);
    }
}
