package io.microlink.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The port and TLS choices of tailscale's ts2021 dialer (protocol-facts §2.2). */
class DialPlanTest {
    @Test
    void plainHttpUsesOnlyItsPort() {
        assertThat(DialPlan.of(URI.create("http://127.0.0.1:8080")).attempts())
                .containsExactly(new DialPlan.Attempt(8080, false, "127.0.0.1:8080"));
        assertThat(DialPlan.of(URI.create("http://hs.example")).attempts())
                .containsExactly(new DialPlan.Attempt(80, false, "hs.example"));
    }

    @Test
    void httpsWithAPortUsesOnlyTlsThere() {
        assertThat(DialPlan.of(URI.create("https://hs.example:8443")).attempts())
                .containsExactly(new DialPlan.Attempt(8443, true, "hs.example:8443"));
    }

    @Test
    void httpsWithoutAPortTriesPlainPort80ThenTlsOn443() {
        assertThat(DialPlan.of(URI.create("https://controlplane.tailscale.com")).attempts()).containsExactly(
                new DialPlan.Attempt(80, false, "controlplane.tailscale.com"),
                new DialPlan.Attempt(443, true, "controlplane.tailscale.com"));
    }
}
