package io.microlink.host.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProxyCredentialsTest {
    private static final String PASSWORD = "pw-SECRET-0123";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void onlyTheExactUsernameAndPasswordMatch() {
        ProxyCredentials c = ProxyCredentials.of("alice", PASSWORD);
        assertThat(c.matches(utf8("alice"), utf8(PASSWORD))).isTrue();
        assertThat(c.matches(utf8("alice"), utf8(PASSWORD + "x"))).isFalse();
        assertThat(c.matches(utf8("alice"), utf8(PASSWORD.substring(1)))).isFalse();
        assertThat(c.matches(utf8("Alice"), utf8(PASSWORD))).isFalse();
        assertThat(c.matches(new byte[0], new byte[0])).isFalse();
        assertThat(ProxyCredentials.of("jürgen", "pässword").matches(utf8("jürgen"), utf8("pässword"))).isTrue();
    }

    @Test
    void thePasswordNeverShowsInToStringOrErrors() {
        assertThat(ProxyCredentials.of("alice", PASSWORD).toString()).contains("alice").doesNotContain("SECRET");
        assertThatThrownBy(() -> ProxyCredentials.of("alice", PASSWORD + "\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("SECRET")
                .hasMessage("the proxy password must be 1-255 bytes without control characters");
        assertThatThrownBy(() -> ProxyCredentials.of("alice", "x".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProxyCredentials.of("al:ice", PASSWORD))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the proxy username must not contain ':'");
        assertThatThrownBy(() -> ProxyCredentials.of("", PASSWORD)).isInstanceOf(IllegalArgumentException.class);
    }
}
