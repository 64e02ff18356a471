package io.microlink.wireguard.noise;

import io.microlink.crypto.ChaCha20Poly1305;
import javax.crypto.AEADBadTagException;

/** The handshake's AEAD: ChaCha20-Poly1305 with a zero nonce, as every handshake key is used once. */
final class Aead {
    private static final byte[] ZERO_NONCE = new byte[ChaCha20Poly1305.NONCE_LENGTH];

    private Aead() {}

    static void seal(byte[] key, byte[] aad, byte[] plaintext, byte[] out, int outOff) {
        new ChaCha20Poly1305(key).seal(ZERO_NONCE, aad, plaintext, 0, plaintext.length, out, outOff);
    }

    /** Returns the plaintext, or null if the tag does not verify. */
    static byte[] open(byte[] key, byte[] aad, byte[] in, int inOff, int len) {
        byte[] out = new byte[len - Protocol.TAG_LENGTH];
        try {
            new ChaCha20Poly1305(key).open(ZERO_NONCE, aad, in, inOff, len, out, 0);
            return out;
        } catch (AEADBadTagException e) {
            return null;
        }
    }
}
