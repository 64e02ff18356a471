package io.microlink.interop.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.wireguard.session.EngineSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A peer that changes address keeps its tunnel: the endpoint follows authenticated packets. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RoamingTest {
    @TempDir
    Path dir;

    @Test
    void whenWireguardGoMovesToANewAddressTheJavaSideFollowsWithoutNewConfig() throws Exception {
        try (Tunnel t = new Tunnel(dir, Tunnel.Initiator.BOTH, EngineSettings.DEFAULT, null)) {
            t.awaitPing(true, t.tunnelGo(), Duration.ofSeconds(20));
            assertThat(t.goEndpointIp()).isEqualTo(t.underlayGo());

            String moved = "10.201." + t.n + ".3";
            t.net.exec(t.ns, "ip", "addr", "del", t.underlayGo() + "/24", "dev", t.goVeth).requireSuccess();
            t.net.exec(t.ns, "ip", "addr", "add", moved + "/24", "dev", t.goVeth).requireSuccess();
            // The Java side still aims at the old address; wireguard-go's next packet comes from the
            // new one. wireguard-go keeps sending from its cached ("sticky") old source address,
            // which fails, until its next handshake clears it: about 15 s (keepalive + rekey
            // timeout) after its first unanswered packet. The Java side follows at once after that.
            t.awaitPing(false, t.tunnelJava(), Duration.ofSeconds(40));
            assertThat(t.goEndpointIp()).as(t.diagnostics()).isEqualTo(moved);
            assertThat(t.pingFromJava(t.tunnelGo())).as(t.diagnostics()).isTrue();
            assertThat(t.pingFromJava(t.tunnel6Go())).as(t.diagnostics()).isTrue();
        }
    }
}
