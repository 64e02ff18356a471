package io.microlink.netstack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hostile bytes: the parser answers false or a segment, and never throws. */
class TcpSegmentFuzzTest {
    private static final byte[] SRC = {100, 64, 0, 1};
    private static final byte[] DST = {100, 64, 0, 2};

    @Test
    void randomAndMutatedSegmentsNeverThrow() {
        SplittableRandom random = new SplittableRandom(7);
        TcpSegment seg = new TcpSegment();
        byte[] b = new byte[120];
        int accepted = 0;
        for (int round = 0; round < 200_000; round++) {
            int len = random.nextInt(b.length + 1);
            for (int i = 0; i < len; i++) {
                b[i] = (byte) random.nextInt(256);
            }
            // Half the rounds get a plausible data offset and a right checksum so the option
            // parser sees the hostile bytes too.
            if (len >= TcpSegment.MIN_HEADER_LENGTH && random.nextBoolean()) {
                b[12] = (byte) ((5 + random.nextInt(11)) << 4);
                TcpSegment.fillChecksum(SRC, DST, b, 0, len);
            }
            if (seg.parse(SRC, DST, b, 0, len)) {
                accepted++;
                assertThat(seg.payloadOffset + seg.payloadLength).isEqualTo(len);
                assertThat(seg.windowShift).isBetween(-1, TcpSegment.MAX_WINDOW_SHIFT);
            }
        }
        assertThat(accepted).isPositive();
    }

    @Test
    void optionLengthPastTheHeaderIsMalformed() {
        byte[] b = new byte[24];
        b[12] = 6 << 4;
        b[20] = 2;
        b[21] = 8;
        TcpSegment.fillChecksum(SRC, DST, b, 0, b.length);
        assertThat(new TcpSegment().parse(SRC, DST, b, 0, b.length)).isFalse();
    }
}
