package io.microlink.netstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChecksumTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc1071WorkedExample() {
        // RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2, so the checksum is 220d.
        byte[] b = HEX.parseHex("0001f203f4f5f6f7");
        assertThat(Checksum.add(0, b, 0, b.length)).isEqualTo(0xddf2);
        assertThat(Checksum.finish(Checksum.add(0, b, 0, b.length))).isEqualTo((short) 0x220d);
    }

    @Test
    void ipv4HeaderFromWikipediaExampleVerifies() {
        // The well-known header 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7 (checksum b861).
        byte[] header = HEX.parseHex("450000730000400040110000c0a80001c0a800c7");
        assertThat(Checksum.finish(Checksum.add(0, header, 0, header.length))).isEqualTo((short) 0xb861);
        header[10] = (byte) 0xb8;
        header[11] = 0x61;
        assertThat(Checksum.verifies(Checksum.add(0, header, 0, header.length))).isTrue();
        header[15] ^= 1;
        assertThat(Checksum.verifies(Checksum.add(0, header, 0, header.length))).isFalse();
    }

    @Test
    void oddLengthIsPaddedWithZero() {
        byte[] odd = HEX.parseHex("0102ab");
        byte[] even = HEX.parseHex("0102ab00");
        assertThat(Checksum.add(0, odd, 0, 3)).isEqualTo(Checksum.add(0, even, 0, 4));
    }

    @Test
    void piecesAddUpToTheWhole() {
        byte[] b = HEX.parseHex("ffff0001ffff8000aaaa5555");
        int whole = Checksum.add(0, b, 0, b.length);
        int pieces = Checksum.add(Checksum.add(0, b, 0, 6), b, 6, 6);
        assertThat(pieces).isEqualTo(whole);
    }

    @Test
    void wordAtATimeSumEqualsTheSixteenBitSumAtEveryLengthAndOffset() {
        Random random = new Random(1071);
        byte[] b = new byte[300];
        for (int round = 0; round < 4; round++) {
            if (round == 1) {
                Arrays.fill(b, (byte) 0xff); // every add carries
            } else if (round == 2) {
                Arrays.fill(b, (byte) 0); // the sum of nothing but zeros stays 0, never 0xffff
            } else {
                random.nextBytes(b);
            }
            for (int off = 0; off < 9; off++) {
                for (int len = 0; off + len <= b.length; len++) {
                    int start = round == 3 ? random.nextInt(0x10000) : 0;
                    assertThat(Checksum.add(start, b, off, len)).as("offset %d, length %d", off, len)
                            .isEqualTo(sixteenBitWords(start, b, off, len));
                }
            }
        }
        byte[] big = new byte[65_535];
        Arrays.fill(big, (byte) 0xff);
        assertThat(Checksum.add(0xffff, big, 0, big.length)).isEqualTo(sixteenBitWords(0xffff, big, 0, big.length));
    }

    /** RFC 1071's plain loop over 16-bit words, the reference the faster sum must equal. */
    private static int sixteenBitWords(int acc, byte[] b, int off, int len) {
        long sum = acc;
        for (int i = 0; i < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    @Test
    void pseudoHeaderMatchesItsBytesSummedByHand() {
        byte[] src = HEX.parseHex("0a000001");
        byte[] dst = HEX.parseHex("0a000002");
        // src, dst, zero, protocol 17, length 0x001c as the 12 bytes the RFC 768 pseudo header is.
        byte[] pseudo = HEX.parseHex("0a0000010a0000020011001c");
        assertThat(Checksum.pseudoHeader(src, dst, 17, 0x1c)).isEqualTo(Checksum.add(0, pseudo, 0, pseudo.length));
    }
}
