package io.microlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Lines as tailscale v1.102.3's cmd/tailscale/cli/ping.go prints them. */
class PingReplyTest {

    @Test
    void parsesRelayedDirectAndTsmpReplies() {
        String out = """
                pong from ts2 (100.64.0.2) via DERP(headscale) in 3ms
                pong from ts2 (100.64.0.2, 41642) via 127.0.0.1:41642 in 412µs
                ping "100.64.0.9" timed out
                pong from ts3 (fd7a:115c:a1e0::3) via TSMP in 1.5s
                """;
        var replies = PingReply.parseAll(out);
        assertThat(replies).hasSize(3);
        assertThat(replies.get(0)).isEqualTo(new PingReply("ts2", "100.64.0.2", "DERP(headscale)", Duration.ofMillis(3)));
        assertThat(replies.get(0).viaDerp()).isTrue();
        assertThat(replies.get(1).direct()).isTrue();
        assertThat(replies.get(1).latency()).isEqualTo(Duration.ofNanos(412_000));
        assertThat(replies.get(2).nodeIp()).isEqualTo("fd7a:115c:a1e0::3");
        assertThat(replies.get(2).direct()).isFalse();
        assertThat(replies.get(2).latency()).isEqualTo(Duration.ofMillis(1500));
    }
}
