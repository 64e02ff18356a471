package io.microlink.interop.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.NodeState;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Headscale;
import io.microlink.interop.TestTailnet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A headscale that speaks only HTTPS: /key over verified TLS, and ts2021 upgraded inside TLS. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TlsControlInteropTest {
    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create(); // owns the directory and cleanup

    static Headscale hs;
    static String authKey;

    @BeforeAll
    static void startTlsHeadscale() {
        hs = Headscale.start(tailnet.dir().resolve("tls-headscale"), null, true);
        authKey = hs.createAuthKey(hs.createUser("alice"), true, false, Duration.ofHours(1)).key();
    }

    @AfterAll
    static void stop() {
        hs.close();
    }

    @Test
    void joinsAnHttpsControlServerWhoseCaItTrusts() {
        assertThat(hs.url()).startsWith("https://127.0.0.1:");
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode node = TailnetNode.builder().controlUrl(hs.url()).authKey(authKey).hostname("java-tls")
                .stateDirectory(tailnet.dir().resolve("java-tls")).tls(hs.tlsTrust()).build()) {
            node.addListener(rec);
            node.start();
            rec.awaitState(NodeState.CONNECTED, 0, Duration.ofSeconds(60));
            Await.until(Duration.ofSeconds(20), "headscale to list java-tls online",
                    () -> hs.node("java-tls").map(Headscale.Node::online).orElse(false));
        }
    }

    @Test
    void refusesACertificateItDoesNotTrust() throws Exception {
        NodeRecorder rec = new NodeRecorder();
        try (TailnetNode node = TailnetNode.builder().controlUrl(hs.url()).authKey(authKey).hostname("java-untrusting")
                .stateDirectory(tailnet.dir().resolve("java-untrusting")).build()) {
            node.addListener(rec);
            node.start();
            NodeRecorder.StateChange failure = Await.result(Duration.ofSeconds(20), "a certificate failure",
                    () -> rec.states.stream().filter(s -> s.detail().contains("certification path")
                            || s.detail().contains("PKIX")).findFirst().orElse(null));
            assertThat(failure.state()).isEqualTo(NodeState.CONNECTING);
            assertThat(node.state()).isNotEqualTo(NodeState.CONNECTED);
        }
    }
}
