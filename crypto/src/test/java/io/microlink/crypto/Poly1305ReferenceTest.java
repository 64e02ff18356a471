package io.microlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code Poly1305} against RFC 8439 §2.5's definition computed with {@link BigInteger}: random
 * keys and messages of every length up to a few blocks, and the inputs that push the lazy
 * reduction hardest (all-ones blocks under the largest clamped r).
 */
class Poly1305ReferenceTest {
    private static final BigInteger P = BigInteger.ONE.shiftLeft(130).subtract(BigInteger.valueOf(5));
    private static final BigInteger CLAMP = new BigInteger("0ffffffc0ffffffc0ffffffc0fffffff", 16);

    @Test
    void equalsTheBigIntegerDefinitionOnRandomInput() {
        Random random = new Random(8439);
        byte[] key = new byte[32];
        for (int len = 0; len <= 300; len++) {
            byte[] msg = new byte[len];
            for (int round = 0; round < 8; round++) {
                random.nextBytes(key);
                random.nextBytes(msg);
                assertThat(Poly1305.mac(key, msg)).as("length %d", len).isEqualTo(reference(key, msg));
            }
        }
    }

    @Test
    void equalsTheBigIntegerDefinitionAtTheLimbBounds() {
        byte[] ones = new byte[4096];
        Arrays.fill(ones, (byte) 0xff);
        byte[] maxKey = new byte[32];
        Arrays.fill(maxKey, (byte) 0xff); // clamps to the largest r; s all ones
        byte[] zeroS = maxKey.clone();
        Arrays.fill(zeroS, 16, 32, (byte) 0);
        for (byte[] key : new byte[][] {maxKey, zeroS}) {
            for (int len : new int[] {16, 17, 32, 1024, 4095, 4096}) {
                byte[] msg = Arrays.copyOf(ones, len);
                assertThat(Poly1305.mac(key, msg)).as("length %d", len).isEqualTo(reference(key, msg));
            }
        }
    }

    /** RFC 8439 §2.5 as written: accumulate (acc + block) * r mod p, then add s mod 2^128. */
    private static byte[] reference(byte[] key, byte[] msg) {
        BigInteger r = le(Arrays.copyOfRange(key, 0, 16)).and(CLAMP);
        BigInteger s = le(Arrays.copyOfRange(key, 16, 32));
        BigInteger acc = BigInteger.ZERO;
        for (int i = 0; i < msg.length; i += 16) {
            byte[] block = Arrays.copyOfRange(msg, i, Math.min(msg.length, i + 16));
            BigInteger n = le(block).setBit(8 * block.length);
            acc = acc.add(n).multiply(r).mod(P);
        }
        byte[] sum = acc.add(s).toByteArray();
        byte[] tag = new byte[16];
        for (int i = 0; i < 16 && i < sum.length; i++) {
            tag[i] = sum[sum.length - 1 - i];
        }
        return tag;
    }

    private static BigInteger le(byte[] b) {
        byte[] be = new byte[b.length + 1];
        for (int i = 0; i < b.length; i++) {
            be[be.length - 1 - i] = b[i];
        }
        return new BigInteger(be);
    }
}
