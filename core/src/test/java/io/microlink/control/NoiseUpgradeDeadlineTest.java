package io.microlink.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.microlink.control.noise.ControlHandshake;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.outbound.Dialer;
import io.microlink.outbound.TrickleServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NoiseUpgradeDeadlineTest {
    /** A header byte every 100 ms never trips the 1 s read timeout; the head limit would take minutes. */
    @Test
    void aControlServerTricklingItsUpgradeCostsTheConnectTimeoutOnly() throws Exception {
        ControlHandshake handshake = new ControlHandshake(ControlClient.CAPABILITY_VERSION,
                PrivateKey.generate(KeyKind.MACHINE).raw(), PrivateKey.generate(KeyKind.MACHINE).publicKey().raw());
        try (TrickleServer control = TrickleServer.start("HTTP/1.1 101 Switching Protocols\r\nX-Slow: "
                .getBytes(StandardCharsets.US_ASCII), (byte) 'x', Duration.ofMillis(100));
             NoiseSocket socket = new NoiseSocket(DialPlan.of(URI.create("http://127.0.0.1:" + control.port())),
                     ControlClient.defaultTls().getSocketFactory(), Dialer.direct(),
                     () -> handshake)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> socket.connect(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), control.port()), 1000)))
                    .hasMessageContaining("took longer than 1000 ms");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }
}
