package io.microlink.crypto;

import java.util.Arrays;

/**
 * The HKDF of the Noise protocol framework (§4.3) over HMAC-BLAKE2s, as WireGuard uses it to
 * advance its chaining key and derive handshake and transport keys.
 *
 * <pre>{@code
 * byte[][] out = Hkdf.derive(chainingKey, dhResult, 2);
 * chainingKey = out[0];
 * byte[] key = out[1];
 * }</pre>
 */
public final class Hkdf {
    /** Length of each derived output. */
    public static final int OUTPUT_LENGTH = Blake2s.HASH_LENGTH;

    private Hkdf() {}

    /**
     * Derives {@code outputs} (1 to 3) values of 32 bytes: with {@code temp =
     * HMAC(chainingKey, inputKeyMaterial)}, output i is {@code HMAC(temp, output(i-1) || i)}.
     *
     * @param chainingKey the HMAC key (Noise's chaining key)
     * @param inputKeyMaterial the material mixed in; may be empty
     * @param outputs how many values to derive, 1 to 3
     * @return {@code outputs} arrays of 32 bytes
     */
    public static byte[][] derive(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
        if (outputs < 1 || outputs > 3) {
            throw new IllegalArgumentException(
                    "Noise HKDF yields 1 to 3 outputs, asked for " + outputs);
        }
        byte[] temp = Blake2s.hmac(chainingKey, inputKeyMaterial);
        byte[][] out = new byte[outputs][];
        byte[] previous = new byte[0];
        for (int i = 0; i < outputs; i++) {
            previous = Blake2s.hmac(temp, previous, new byte[] {(byte) (i + 1)});
            out[i] = previous;
        }
        Arrays.fill(temp, (byte) 0);
        return out;
    }
}
