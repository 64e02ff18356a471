package io.microlink.interop.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.NodeState;
import io.microlink.Peer;
import io.microlink.PingPath;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A peer whose node key headscale expires while the Java node runs. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PeerExpiryInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(45);

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    @Test
    void aPeerExpiredByControlStaysListedMarkedExpiredAndLosesItsSession() throws Exception {
        Tailscaled peer = tailnet.addNode("expiring");
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode java = TailnetNode.builder()
                .controlUrl(tailnet.headscale().url())
                .authKey(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key())
                .hostname("java-expiry-watch")
                .stateDirectory(tailnet.dir().resolve("java-expiry-watch"))
                .plainHttpDerpForTesting()
                .build()) {
            java.addListener(rec);
            java.start();
            rec.awaitState(NodeState.CONNECTED, 0, WAIT);
            Await.until(WAIT, "expiring to see java-expiry-watch's home DERP",
                    () -> peer.status().seesOnlineWithHomeDerp("java-expiry-watch"));
            assertThat(peer.ping("java-expiry-watch", "--tsmp", "-c", "1")).isNotEmpty();
            assertThat(hasWireGuardPeer(java)).isTrue();
            assertThat(java.tailnet().find("expiring").orElseThrow().expired()).isFalse();

            tailnet.headscale().expireNode(tailnet.headscale().node("expiring").orElseThrow().id());

            Await.until(WAIT, "the Java node to see 'expiring' expired",
                    () -> java.tailnet().find("expiring").map(Peer::expired).orElse(false));
            Await.until(WAIT, "its WireGuard peer to go", () -> !hasWireGuardPeer(java));
            assertThatThrownBy(() -> java.ping("expiring", PingPath.ANY, Duration.ofSeconds(3)))
                    .isInstanceOf(IOException.class).hasMessageContaining("expired");
        }
    }

    private static boolean hasWireGuardPeer(TailnetNode node) {
        return node.peerPaths().stream().anyMatch(p -> p.peer().startsWith("expiring."));
    }
}
