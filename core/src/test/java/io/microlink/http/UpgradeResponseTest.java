package io.microlink.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UpgradeResponseTest {
    private static ByteArrayInputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsExactlyTheHeadAndLeavesTheUpgradedBytes() throws Exception {
        ByteArrayInputStream stream = in("HTTP/1.1 101 Switching Protocols\r\nupgrade: DERP\r\nConnection: Upgrade\r\n\r\nXYZ");
        UpgradeResponse r = UpgradeResponse.read(stream);
        assertThat(r.switched("DERP")).isTrue();
        assertThat(r.switched("tailscale-control-protocol")).isFalse();
        assertThat(new String(stream.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("XYZ");
    }

    @Test
    void aRefusalOrAnEarlyCloseIsReported() throws Exception {
        assertThat(UpgradeResponse.read(in("HTTP/1.1 426 Upgrade Required\r\nUpgrade: DERP\r\n\r\n")).switched("DERP"))
                .isFalse();
        assertThatThrownBy(() -> UpgradeResponse.read(in("HTTP/1.1 101 Swi")))
                .isInstanceOf(EOFException.class).hasMessageContaining("HTTP/1.1 101 Swi");
        assertThatThrownBy(() -> UpgradeResponse.read(in(""))).isInstanceOf(EOFException.class);
    }

    @Test
    void anAnswerThatIsNotHttpOrNeverEndsIsRefused() {
        assertThatThrownBy(() -> UpgradeResponse.read(in("SSH-2.0-OpenSSH_9.2\r\n\r\n")))
                .isInstanceOfSatisfying(HttpHeadException.class,
                        e -> assertThat(e.problem()).isEqualTo(HttpHeadException.Problem.MALFORMED));
        String endless = "HTTP/1.1 101 Switching Protocols\r\n" + "X: y\r\n".repeat(20_000);
        assertThatThrownBy(() -> UpgradeResponse.read(in(endless)))
                .isInstanceOfSatisfying(HttpHeadException.class,
                        e -> assertThat(e.problem()).isEqualTo(HttpHeadException.Problem.TOO_LARGE));
    }
}
