package io.microlink.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ChaCha20-Poly1305 AEAD of RFC 8439 under one fixed key, for WireGuard transport packets.
 *
 * <p>Built per RFC 8439 §2.8 from the JDK's plain "ChaCha20" cipher (which has a vector
 * intrinsic) and our own {@code Poly1305}: the JDK's combined "ChaCha20-Poly1305" runs its
 * Poly1305 as generic Java field arithmetic on CPUs without AVX-512, and that was over half the
 * data path's CPU. Per packet: one cipher initialisation at block counter 0, whose first 32
 * keystream bytes are the one-time Poly1305 key, then the payload from counter 1. Opening checks
 * the tag in constant time before any plaintext is written.
 *
 * <p>One JDK {@link Cipher} and one {@code Poly1305} are held per instance and reused, so
 * instances are not thread-safe: give each thread (or each direction of a session) its own.
 *
 * <p>A nonce must never be used twice under one key for sealing: as with Go's {@code cipher.AEAD},
 * that is the caller's protocol's duty (WireGuard's and Noise's counters). The JDK cipher is
 * initialised for decryption in both directions (ChaCha20 is the same XOR either way), because
 * for encryption the JDK compares every initialisation's key and nonce with the previous one's,
 * a per-packet cost the counters make useless.
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

    /** Keystream block 0 is made by encrypting these zeros; its first half is the MAC key. */
    private static final byte[] ZERO_BLOCK = new byte[64];

    private final SecretKeySpec key;
    private final Cipher cipher;
    private final Poly1305 mac = new Poly1305();
    private final byte[] block0 = new byte[64];
    private final byte[] tag = new byte[TAG_LENGTH];

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
            this.cipher = Cipher.getInstance("ChaCha20");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no ChaCha20", e);
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
     */
    public int seal(byte[] nonce12, byte[] aad, byte[] in, int inOff, int len, byte[] out,
            int outOff) {
        Lengths.requireRange(in, inOff, len, "plaintext");
        Lengths.requireRange(out, outOff, len + TAG_LENGTH, "ciphertext output");
        try {
            init(nonce12, aad);
            cipher.doFinal(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed: " + e.getMessage(), e);
        }
        mac.updatePadded(out, outOff, len);
        mac.updateLengths(aad == null ? 0 : aad.length, len);
        mac.finish(out, outOff + len);
        return len + TAG_LENGTH;
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
        int ctLen = len - TAG_LENGTH;
        try {
            init(nonce12, aad);
            mac.updatePadded(in, inOff, ctLen);
            mac.updateLengths(aad == null ? 0 : aad.length, ctLen);
            mac.finish(tag, 0);
            if (!tagMatches(in, inOff + ctLen)) {
                throw new AEADBadTagException("ChaCha20-Poly1305 tag mismatch");
            }
            return cipher.doFinal(in, inOff, ctLen, out, outOff);
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

    private void init(byte[] nonce12, byte[] aad) throws GeneralSecurityException {
        Lengths.require(nonce12, NONCE_LENGTH, "ChaCha20-Poly1305 nonce");
        // Counter 0 for the one-time MAC key; after these 64 bytes the stream is at counter 1.
        // DECRYPT_MODE either way: the same keystream XOR, without ENCRYPT_MODE's comparison of
        // this key and nonce with the previous initialisation's (see the class comment).
        cipher.init(Cipher.DECRYPT_MODE, key, new ChaCha20ParameterSpec(nonce12, 0));
        cipher.update(ZERO_BLOCK, 0, ZERO_BLOCK.length, block0, 0);
        mac.init(block0, 0);
        Arrays.fill(block0, (byte) 0);
        if (aad != null) {
            mac.updatePadded(aad, 0, aad.length);
        }
    }

    /** Compares the computed tag with {@code in[off .. off+16)} in time independent of content. */
    private boolean tagMatches(byte[] in, int off) {
        int diff = 0;
        for (int i = 0; i < TAG_LENGTH; i++) {
            diff |= tag[i] ^ in[off + i];
        }
        return diff == 0;
    }

    @Override
    public String toString() {
        return "ChaCha20Poly1305[key hidden]";
    }
}
