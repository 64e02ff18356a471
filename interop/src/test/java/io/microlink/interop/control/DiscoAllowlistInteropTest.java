package io.microlink.interop.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.NodeState;
import io.microlink.PeerPathStatus;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The DISCO allowlist changed while the node runs, against a real tailscaled. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DiscoAllowlistInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(45);

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    @Test
    void aPeerAddedAtRuntimeGoesDirectAndOneRemovedFallsBackToDerp() {
        Tailscaled peer = tailnet.addNode("listed");
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = TailnetNode.builder()
                .controlUrl(tailnet.headscale().url())
                .authKey(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key())
                .hostname("java-live")
                .stateDirectory(tailnet.dir().resolve("java-live"))
                .plainHttpDerpForTesting()
                .discoAllowlist(List.of("somebody-else"))
                .build()) {
            java.addListener(rec);
            java.start();
            rec.awaitState(NodeState.CONNECTED, 0, WAIT);
            Await.until(WAIT, "listed to see java-live's home DERP", () -> peer.status().seesOnlineWithHomeDerp("java-live"));
            String derp = "DERP(" + tailnet.headscale().derpRegionCode() + ")";
            String direct = "127.0.0.1:" + peer.port();

            // Traffic, and time for a probe round and a heartbeat: not listed, so never probed.
            assertThat(peer.ping("java-live", "--tsmp", "-c", "3")).isNotEmpty();
            assertThat(pathTo(java, "listed")).isEqualTo(derp);

            java.setDiscoAllowlist(List.of("listed"));
            assertThat(java.discoAllowlist()).containsExactly("listed");
            Await.until(WAIT, "the node to prove its direct path to 'listed'", () -> {
                peer.ping("java-live", "--tsmp", "-c", "1");
                return pathTo(java, "listed").equals(direct);
            });

            java.setDiscoAllowlist(Set.of("somebody-else"));
            assertThat(pathTo(java, "listed")).as("dropped at once").isEqualTo(derp);
            assertThat(peer.ping("java-live", "--tsmp", "-c", "3")).as("still reachable through the relay").isNotEmpty();
            assertThat(pathTo(java, "listed")).isEqualTo(derp);

            assertThatThrownBy(() -> java.setDiscoAllowlist(List.of(" "))).isInstanceOf(IllegalArgumentException.class);
            assertThat(java.discoAllowlist()).containsExactly("somebody-else");
        }
    }

    private static String pathTo(TailnetNode node, String shortName) {
        return node.peerPaths().stream().filter(p -> p.peer().startsWith(shortName + "."))
                .map(PeerPathStatus::path).findFirst().orElse("none");
    }
}
