package io.microlink.wireguard.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Tai64nTest {
    @Test
    void encodesTai64LabelAndWhitenedNanoseconds() {
        // 2^62 + 10 + 1 s; 123456789 ns rounded down to a multiple of 2^24 (117440512 = 0x07000000).
        byte[] t = Tai64n.encode(Instant.ofEpochSecond(1, 123_456_789));
        assertThat(HexFormat.of().formatHex(t)).isEqualTo("400000000000000b" + "07000000");
    }

    @Test
    void laterMeansLaterAndEqualIsNotLater() {
        byte[] a = Tai64n.encode(Instant.ofEpochSecond(1_700_000_000));
        byte[] b = Tai64n.encode(Instant.ofEpochSecond(1_700_000_000, 20_000_000));
        assertThat(Tai64n.after(b, a)).isTrue();
        assertThat(Tai64n.after(a, b)).isFalse();
        assertThat(Tai64n.after(a, a.clone())).isFalse();
    }
}
