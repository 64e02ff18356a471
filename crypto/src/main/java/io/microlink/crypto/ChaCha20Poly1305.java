package io.microlink.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ChaCha20-Poly1305 AEAD of RFC 8439 under one fixed key, for WireGuard transport packets.
 *
 * <p>One JDK {@link Cipher} is created per instance and re-initialised for every call, so the
 * per-packet cost is the cipher work plus one small nonce object. Instances are therefore not
 * thread-safe: give each thread (or each direction of a session) its own.
 *
 * <p>The JDK refuses to initialise for encryption with the same key and nonce as the previous
 * initialisation of the same {@code Cipher} (a guard against nonce reuse); {@code seal} reports
 * that as {@link IllegalStateException}. WireGuard and Noise never seal twice under one nonce,
 * so callers only meet it through a bug, but tests that seal the same input twice must use a
 * fresh instance. Opening twice with the same nonce is allowed.
 *
 * <pre>{@code
 * ChaCha20Poly1305 aead = new ChaCha20Poly1305(key);
 * byte[] nonce = new byte[ChaCha20Poly1305.NONCE_LENGTH]; // built by the protocol from a counter
 * byte[] sealed = aead.seal(nonce, null, "hello".getBytes(UTF_8));
 * byte[] opened = aead.open(nonce, null, sealed);
 * }</pre>
 */
public final class ChaCha20Poly1305 {
    /** Key length in bytes. */
    public static final int KEY_LENGTH = 32;
    /** Nonce length in bytes. */
    public static final int NONCE_LENGTH = 12;
    /** Length in bytes of the Poly1305 tag appended to every ciphertext. */
    public static final int TAG_LENGTH = 16;

    private final SecretKeySpec key;
    private final Cipher cipher;

    /**
     * Makes a cipher for one key.
     *
     * @param key32 the 32-byte key; copied, so the caller may wipe its array afterwards
     *
     */
    public ChaCha20Poly1305(byte[] key32) {
        this.key = new SecretKeySpec(Lengths.require(key32, KEY_LENGTH, "ChaCha20-Poly1305 key"),
                "ChaCha20");
        try {
            this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no ChaCha20-Poly1305", e);
        }
    }

    /**
     * Encrypts {@code len} bytes of {@code in} and writes ciphertext followed by the tag to
     * {@code out}. {@code in} and {@code out} may be the same array at the same offset.
     *
     * @param nonce12 the 12-byte nonce, never repeated for this key
     * @param in the plaintext's array
     * @param inOff where the plaintext starts in {@code in}
     * @param len the plaintext length
     * @param out the array the ciphertext and tag go to
     * @param outOff where they start in {@code out}
     * @param aad additional authenticated data, or {@code null} for none
     * @return the number of bytes written, {@code len + TAG_LENGTH}
     * @throws IllegalStateException if the JDK refuses a repeated key and nonce (see class doc)
     */
    public int seal(byte[] nonce12, byte[] aad, byte[] in, int inOff, int len, byte[] out,
            int outOff) {
        Lengths.requireRange(in, inOff, len, "plaintext");
        Lengths.requireRange(out, outOff, len + TAG_LENGTH, "ciphertext output");
        try {
            init(Cipher.ENCRYPT_MODE, nonce12, aad);
            return cipher.doFinal(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed: " + e.getMessage(), e);
        }
    }

    /**
     * Verifies and decrypts {@code len} bytes of ciphertext-plus-tag from {@code in} into
     * {@code out}. Nothing is written when the tag does not verify. {@code in} and {@code out}
     * may be the same array at the same offset.
     *
     * @param nonce12 the 12-byte nonce the data was sealed with
     * @param in the array holding ciphertext and tag
     * @param inOff where they start in {@code in}
     * @param len the length of ciphertext plus tag
     * @param out the array the plaintext goes to
     * @param outOff where it starts in {@code out}
     * @param aad additional authenticated data, or {@code null} for none
     * @return the plaintext length, {@code len - TAG_LENGTH}
     * @throws AEADBadTagException if the input is shorter than a tag or fails authentication
     */
    public int open(byte[] nonce12, byte[] aad, byte[] in, int inOff, int len, byte[] out,
            int outOff) throws AEADBadTagException {
        Lengths.requireRange(in, inOff, len, "ciphertext");
        if (len < TAG_LENGTH) {
            throw new AEADBadTagException("ChaCha20-Poly1305 ciphertext of " + len
                    + " bytes is shorter than the " + TAG_LENGTH + "-byte tag");
        }
        Lengths.requireRange(out, outOff, len - TAG_LENGTH, "plaintext output");
        try {
            init(Cipher.DECRYPT_MODE, nonce12, aad);
            return cipher.doFinal(in, inOff, len, out, outOff);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 open failed: " + e.getMessage(), e);
        }
    }

    /**
     * Returns ciphertext followed by the 16-byte tag.
     *
     * @param nonce12 the 12-byte nonce, never repeated for this key
     * @param aad additional authenticated data, or {@code null} for none
     * @param plaintext the data to encrypt
     * @return ciphertext followed by the tag
     */
    public byte[] seal(byte[] nonce12, byte[] aad, byte[] plaintext) {
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        seal(nonce12, aad, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /**
     * Returns the plaintext of ciphertext-plus-tag.
     *
     * @param nonce12 the 12-byte nonce the data was sealed with
     * @param aad additional authenticated data, or {@code null} for none
     * @param ciphertext ciphertext followed by the tag
     * @return the plaintext
     * @throws AEADBadTagException if the input is shorter than a tag or fails authentication
     */
    public byte[] open(byte[] nonce12, byte[] aad, byte[] ciphertext) throws AEADBadTagException {
        // Too-short input gets an empty buffer here and its AEADBadTagException from open.
        byte[] out = new byte[Math.max(0, ciphertext.length - TAG_LENGTH)];
        open(nonce12, aad, ciphertext, 0, ciphertext.length, out, 0);
        return out;
    }

    private void init(int mode, byte[] nonce12, byte[] aad) throws GeneralSecurityException {
        Lengths.require(nonce12, NONCE_LENGTH, "ChaCha20-Poly1305 nonce");
        cipher.init(mode, key, new IvParameterSpec(nonce12));
        if (aad != null && aad.length > 0) {
            cipher.updateAAD(aad);
        }
    }

    @Override
    public String toString() {
        return "ChaCha20Poly1305[key hidden]";
    }
}
