package io.microlink.crypto;

import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03): ChaCha20-Poly1305 with a 24-byte nonce,
 * large enough to pick at random. HChaCha20 of the key and the first 16 nonce bytes gives a
 * subkey, used with the nonce {@code 0x00000000 || nonce[16..24]}.
 *
 * <p>Each call builds its own cipher, so the class is thread-safe and the JDK's nonce-reuse
 * refusal (see {@link ChaCha20Poly1305}) never applies; it is meant for occasional messages,
 * not the per-packet path.
 *
 * <pre>{@code
 * byte[] sealed = XChaCha20Poly1305.seal(key, nonce24, aad, plaintext);
 * byte[] opened = XChaCha20Poly1305.open(key, nonce24, aad, sealed);
 * }</pre>
 */
public final class XChaCha20Poly1305 {
    /** Nonce length in bytes. */
    public static final int NONCE_LENGTH = 24;

    private XChaCha20Poly1305() {}

    /**
     * Encrypts and authenticates {@code plaintext} with a 24-byte nonce (HChaCha20 derives the subkey).
     *
     * @param key32 the 32-byte key
     * @param nonce24 the 24-byte nonce, random or never repeated for this key
     * @param plaintext the data to encrypt
     * @param aad additional authenticated data, or {@code null} for none
     * @return ciphertext followed by the 16-byte tag
     */
    public static byte[] seal(byte[] key32, byte[] nonce24, byte[] aad, byte[] plaintext) {
        return forNonce(key32, nonce24).seal(innerNonce(nonce24), aad, plaintext);
    }

    /**
     * Verifies and decrypts what {@link #seal} returned.
     *
     * @param key32 the 32-byte key
     * @param nonce24 the 24-byte nonce it was sealed with
     * @param ciphertext ciphertext followed by the tag
     * @param aad additional authenticated data, or {@code null} for none
     * @return the plaintext
     * @throws AEADBadTagException if {@code ciphertext} is shorter than a tag or not authentic
     */
    public static byte[] open(byte[] key32, byte[] nonce24, byte[] aad, byte[] ciphertext)
            throws AEADBadTagException {
        return forNonce(key32, nonce24).open(innerNonce(nonce24), aad, ciphertext);
    }

    private static ChaCha20Poly1305 forNonce(byte[] key32, byte[] nonce24) {
        Lengths.require(key32, ChaCha20Poly1305.KEY_LENGTH, "XChaCha20-Poly1305 key");
        Lengths.require(nonce24, NONCE_LENGTH, "XChaCha20-Poly1305 nonce");
        byte[] subkey = HChaCha20.subkey(key32, Arrays.copyOf(nonce24, 16));
        try {
            return new ChaCha20Poly1305(subkey);
        } finally {
            Arrays.fill(subkey, (byte) 0);
        }
    }

    private static byte[] innerNonce(byte[] nonce24) {
        byte[] nonce = new byte[ChaCha20Poly1305.NONCE_LENGTH];
        System.arraycopy(nonce24, 16, nonce, 4, 8);
        return nonce;
    }
}
