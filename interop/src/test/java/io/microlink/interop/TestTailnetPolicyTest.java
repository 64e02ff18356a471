package io.microlink.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness's ACL policy and pre-auth key options reach the real headscale. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TestTailnetPolicyTest {

    @Test
    void aPolicyThatAllowsOnePortLetsThatPortThroughAndNoOther() throws Exception {
        try (TcpEchoServer allowed = new TcpEchoServer(); TcpEchoServer denied = new TcpEchoServer();
                TestTailnet tailnet = TestTailnet.withPolicy("""
                        // HuJSON: comments are fine
                        {"acls": [{"action": "accept", "src": ["alice@"], "dst": ["alice@:%d"]}]}
                        """.formatted(allowed.port()))) {
            Tailscaled ts1 = tailnet.addNode("ts1"), ts2 = tailnet.addNode("ts2");
            tailnet.awaitMesh(Duration.ofSeconds(90));
            String ts2Ip = ts2.ip("-4").getFirst();
            byte[] hello = "hello\n".getBytes(StandardCharsets.UTF_8);

            assertThat(ts1.nc(ts2Ip, allowed.port(), hello, hello.length, Duration.ofSeconds(30))).isEqualTo(hello);
            assertThatThrownBy(() -> ts1.nc(ts2Ip, denied.port(), hello, hello.length, Duration.ofSeconds(8)))
                    .isInstanceOf(Exec.CommandFailedException.class);
            assertThat(denied.connections()).isZero();
        }
    }

    @Test
    void authKeysCarryTheirOptions() {
        try (TestTailnet tailnet = TestTailnet.create()) {
            Headscale hs = tailnet.headscale();
            Headscale.User bob = tailnet.user("bob");
            Headscale.AuthKey once = hs.createAuthKey(bob, false, false, Duration.ofMinutes(10));
            Headscale.AuthKey ephemeral = hs.createAuthKey(bob, true, true, Duration.ofHours(2));

            assertThat(once.reusable()).isFalse();
            assertThat(once.ephemeral()).isFalse();
            assertThat(once.expiration()).isCloseTo(Instant.now().plus(10, ChronoUnit.MINUTES), within(1, ChronoUnit.MINUTES));
            assertThat(ephemeral.reusable()).isTrue();
            assertThat(ephemeral.ephemeral()).isTrue();
            assertThat(ephemeral.expiration()).isCloseTo(Instant.now().plus(2, ChronoUnit.HOURS), within(1, ChronoUnit.MINUTES));
            assertThat(once.key()).isNotEqualTo(ephemeral.key()).isNotBlank();
            assertThat(once.toString()).doesNotContain(once.key());
        }
    }
}
