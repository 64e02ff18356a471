package io.microlink.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2): the ChaCha20 block function without the final
 * addition, turning a key and a 16-byte nonce prefix into an XChaCha20 subkey. Not in the JDK.
 */
final class HChaCha20 {
    private static final VarHandle LE_INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private HChaCha20() {}

    static byte[] subkey(byte[] key32, byte[] input16) {
        Lengths.require(key32, 32, "HChaCha20 key");
        Lengths.require(input16, 16, "HChaCha20 input");
        int[] s = new int[16];
        // "expand 32-byte k"
        s[0] = 0x61707865;
        s[1] = 0x3320646e;
        s[2] = 0x79622d32;
        s[3] = 0x6b206574;
        for (int i = 0; i < 8; i++) {
            s[4 + i] = (int) LE_INT.get(key32, 4 * i);
        }
        for (int i = 0; i < 4; i++) {
            s[12 + i] = (int) LE_INT.get(input16, 4 * i);
        }
        for (int round = 0; round < 10; round++) {
            quarterRound(s, 0, 4, 8, 12);
            quarterRound(s, 1, 5, 9, 13);
            quarterRound(s, 2, 6, 10, 14);
            quarterRound(s, 3, 7, 11, 15);
            quarterRound(s, 0, 5, 10, 15);
            quarterRound(s, 1, 6, 11, 12);
            quarterRound(s, 2, 7, 8, 13);
            quarterRound(s, 3, 4, 9, 14);
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 4; i++) {
            LE_INT.set(out, 4 * i, s[i]);
            LE_INT.set(out, 16 + 4 * i, s[12 + i]);
        }
        return out;
    }

    private static void quarterRound(int[] s, int a, int b, int c, int d) {
        s[a] += s[b];
        s[d] = Integer.rotateLeft(s[d] ^ s[a], 16);
        s[c] += s[d];
        s[b] = Integer.rotateLeft(s[b] ^ s[c], 12);
        s[a] += s[b];
        s[d] = Integer.rotateLeft(s[d] ^ s[a], 8);
        s[c] += s[d];
        s[b] = Integer.rotateLeft(s[b] ^ s[c], 7);
    }
}
