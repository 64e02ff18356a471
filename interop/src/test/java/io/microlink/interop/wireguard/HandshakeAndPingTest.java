package io.microlink.interop.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Java engine against wireguard-go: either side starts; IPv4 and IPv6 both ways. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HandshakeAndPingTest {
    @TempDir
    Path dir;

    @Test
    void javaInitiatesThenBothSidesPingOverIpv4AndIpv6() throws Exception {
        try (Tunnel t = new Tunnel(dir, Tunnel.Initiator.JAVA)) {
            t.awaitPing(true, t.tunnelGo(), Duration.ofSeconds(20));
            assertThat(t.goPeer().handshakesCompleted()).as(t.diagnostics()).isEqualTo(1);
            assertThat(t.wgGo.peers().getFirst().latestHandshakeEpochSeconds()).isPositive();
            assertThat(t.pingFromGo(t.tunnelJava())).as(t.diagnostics()).isTrue();
            assertThat(t.pingFromJava(t.tunnel6Go())).as(t.diagnostics()).isTrue();
            assertThat(t.pingFromGo(t.tunnel6Java())).as(t.diagnostics()).isTrue();
        }
    }

    @Test
    void wireguardGoInitiatesThenBothSidesPingOverIpv4AndIpv6() throws Exception {
        try (Tunnel t = new Tunnel(dir, Tunnel.Initiator.WIREGUARD_GO)) {
            assertThat(t.goPeer().endpoint()).as("Java knows no endpoint until wireguard-go calls").isNull();
            t.awaitPing(false, t.tunnelJava(), Duration.ofSeconds(20));
            assertThat(t.goPeer().handshakesCompleted()).as(t.diagnostics()).isEqualTo(1);
            assertThat(t.goEndpointIp()).isEqualTo(t.underlayGo());
            assertThat(t.pingFromJava(t.tunnelGo())).as(t.diagnostics()).isTrue();
            assertThat(t.pingFromGo(t.tunnel6Java())).as(t.diagnostics()).isTrue();
            assertThat(t.pingFromJava(t.tunnel6Go())).as(t.diagnostics()).isTrue();
        }
    }

    @Test
    void presharedKeyOnBothSides() throws Exception {
        byte[] psk = io.microlink.crypto.X25519.generatePrivateKey();
        try (Tunnel t = new Tunnel(dir, Tunnel.Initiator.JAVA, io.microlink.wireguard.session.EngineSettings.DEFAULT, psk)) {
            t.awaitPing(true, t.tunnelGo(), Duration.ofSeconds(20));
            assertThat(t.pingFromGo(t.tunnelJava())).as(t.diagnostics()).isTrue();
        }
    }
}
