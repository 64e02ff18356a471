package io.microlink.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * HSalsa20 (Bernstein, "Extending the Salsa20 nonce"): 20 Salsa20 rounds without the final
 * addition, keeping the words that do not depend linearly on the input. NaCl's box uses it to
 * turn an X25519 shared secret into a secretbox key.
 */
final class HSalsa20 {
    private static final VarHandle LE_INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** The state words kept as output, in output order. */
    private static final int[] OUTPUT_WORDS = {0, 5, 10, 15, 6, 7, 8, 9};

    private HSalsa20() {}

    static byte[] subkey(byte[] key32, byte[] input16) {
        Lengths.require(key32, 32, "HSalsa20 key");
        Lengths.require(input16, 16, "HSalsa20 input");
        int[] s = new int[16];
        // "expand 32-byte k" sits on the diagonal in Salsa20.
        s[0] = 0x61707865;
        s[5] = 0x3320646e;
        s[10] = 0x79622d32;
        s[15] = 0x6b206574;
        for (int i = 0; i < 4; i++) {
            s[1 + i] = (int) LE_INT.get(key32, 4 * i);
            s[11 + i] = (int) LE_INT.get(key32, 16 + 4 * i);
            s[6 + i] = (int) LE_INT.get(input16, 4 * i);
        }
        for (int round = 0; round < 10; round++) {
            // Column round, then row round.
            quarterRound(s, 0, 4, 8, 12);
            quarterRound(s, 5, 9, 13, 1);
            quarterRound(s, 10, 14, 2, 6);
            quarterRound(s, 15, 3, 7, 11);
            quarterRound(s, 0, 1, 2, 3);
            quarterRound(s, 5, 6, 7, 4);
            quarterRound(s, 10, 11, 8, 9);
            quarterRound(s, 15, 12, 13, 14);
        }
        byte[] out = new byte[32];
        for (int i = 0; i < OUTPUT_WORDS.length; i++) {
            LE_INT.set(out, 4 * i, s[OUTPUT_WORDS[i]]);
        }
        return out;
    }

    private static void quarterRound(int[] s, int a, int b, int c, int d) {
        s[b] ^= Integer.rotateLeft(s[a] + s[d], 7);
        s[c] ^= Integer.rotateLeft(s[b] + s[a], 9);
        s[d] ^= Integer.rotateLeft(s[c] + s[b], 13);
        s[a] ^= Integer.rotateLeft(s[d] + s[c], 18);
    }
}
