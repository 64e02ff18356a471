package io.microlink.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.microlink.control.ControlClient;
import io.microlink.control.wire.DerpMap;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.outbound.TrickleServer;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DerpLoginDeadlineTest {
    /** A header byte every 100 ms never trips the 1 s read timeout; the 8 KiB head limit would take minutes. */
    @Test
    void aRelayTricklingItsUpgradeCostsTheTimeoutOnly() throws Exception {
        try (TrickleServer relay = TrickleServer.start("HTTP/1.1 101 Switching Protocols\r\nX-Slow: "
                .getBytes(StandardCharsets.US_ASCII), (byte) 'x', Duration.ofMillis(100))) {
            DerpMap.DerpNode node = new DerpMap.DerpNode("slow", 1, "127.0.0.1", null, "127.0.0.1", null, 0, false,
                    relay.port(), false);
            long start = System.nanoTime();
            assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> DerpClient.connect(node,
                    DerpClient.Transport.PLAIN_HTTP, ControlClient.defaultTls(), PrivateKey.generate(KeyKind.NODE),
                    (f, p) -> { }, () -> { }, Duration.ofSeconds(1))))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }
}
