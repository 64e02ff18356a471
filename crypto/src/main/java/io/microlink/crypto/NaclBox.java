package io.microlink.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * NaCl's {@code crypto_box} (curve25519xsalsa20poly1305) between one private key and one peer,
 * in the serialized form Tailscale uses for control and disco messages:
 * {@code nonce (24) || Poly1305 tag (16) || ciphertext}.
 *
 * <p>{@link #precompute} does the X25519 and HSalsa20 work once; sealing and opening are then
 * XSalsa20 plus Poly1305. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * NaclBox box = NaclBox.precompute(myPrivateKey, peerPublicKey);
 * byte[] sealed = box.seal(message);           // random nonce
 * byte[] opened = peersBox.open(sealed);       // peersBox = precompute(peerPrivate, myPublic)
 * }</pre>
 */
public final class NaclBox {
    /** Nonce length in bytes. */
    public static final int NONCE_LENGTH = 24;
    /** Poly1305 tag length in bytes. */
    public static final int TAG_LENGTH = 16;
    /** Bytes a sealed message has beyond its plaintext: nonce plus tag. */
    public static final int OVERHEAD = NONCE_LENGTH + TAG_LENGTH;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int POLY_KEY_LENGTH = 32;

    private final byte[] key;

    private NaclBox(byte[] key) {
        this.key = key;
    }

    /**
     * Derives the box key shared by {@code privateKey} and {@code peerPublicKey}: HSalsa20 of
     * their X25519 secret with a zero input.
     *
     * @param privateKey our 32-byte X25519 private key
     * @param peerPublicKey the peer's 32-byte X25519 public key
     * @return the box for messages between the two keys
     * @throws CryptoException if the peer's key is a low-order point
     */
    public static NaclBox precompute(byte[] privateKey, byte[] peerPublicKey)
            throws CryptoException {
        byte[] shared = X25519.sharedSecret(privateKey, peerPublicKey);
        try {
            return new NaclBox(HSalsa20.subkey(shared, new byte[16]));
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    /**
     * Seals under a fresh random nonce; returns {@code nonce || tag || ciphertext}.
     *
     * @param plaintext the message
     * @return {@code nonce || tag || ciphertext}
     */
    public byte[] seal(byte[] plaintext) {
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        return seal(nonce, plaintext);
    }

    /**
     * Seals under the given nonce, which must never repeat for this key pair; returns
     * {@code nonce || tag || ciphertext}. For protocols that manage nonces, and for tests.
     *
     * @param nonce24 the 24-byte nonce
     * @param plaintext the message
     * @return {@code nonce || tag || ciphertext}
     */
    public byte[] seal(byte[] nonce24, byte[] plaintext) {
        Lengths.require(nonce24, NONCE_LENGTH, "NaCl box nonce");
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] out = new byte[OVERHEAD + plaintext.length];
        System.arraycopy(nonce24, 0, out, 0, NONCE_LENGTH);
        XSalsa20Engine stream = keystream(nonce24);
        byte[] polyKey = oneTimeKey(stream);
        stream.processBytes(plaintext, 0, plaintext.length, out, OVERHEAD);
        tag(polyKey, out, OVERHEAD, plaintext.length, out, NONCE_LENGTH);
        return out;
    }

    /**
     * Opens {@code nonce || tag || ciphertext}. The tag is checked, in constant time, before
     * any decryption.
     *
     * @param sealed what {@link #seal} returned
     * @return the message
     * @throws AEADBadTagException if the input is shorter than nonce plus tag, or not authentic
     */
    public byte[] open(byte[] sealed) throws AEADBadTagException {
        Objects.requireNonNull(sealed, "sealed box");
        if (sealed.length < OVERHEAD) {
            throw new AEADBadTagException("sealed NaCl box is " + sealed.length
                    + " bytes, shorter than its " + OVERHEAD + "-byte nonce and tag");
        }
        byte[] nonce = Arrays.copyOf(sealed, NONCE_LENGTH);
        int length = sealed.length - OVERHEAD;
        XSalsa20Engine stream = keystream(nonce);
        byte[] polyKey = oneTimeKey(stream);
        byte[] expected = new byte[TAG_LENGTH];
        tag(polyKey, sealed, OVERHEAD, length, expected, 0);
        if (!MessageDigest.isEqual(expected,
                Arrays.copyOfRange(sealed, NONCE_LENGTH, OVERHEAD))) {
            throw new AEADBadTagException("NaCl box failed authentication");
        }
        byte[] plaintext = new byte[length];
        stream.processBytes(sealed, OVERHEAD, length, plaintext, 0);
        return plaintext;
    }

    private XSalsa20Engine keystream(byte[] nonce24) {
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce24));
        return engine;
    }

    /** The first 32 keystream bytes key Poly1305; the message starts at keystream byte 32. */
    private static byte[] oneTimeKey(XSalsa20Engine stream) {
        byte[] polyKey = new byte[POLY_KEY_LENGTH];
        stream.processBytes(polyKey, 0, POLY_KEY_LENGTH, polyKey, 0);
        return polyKey;
    }

    /** Writes the Poly1305 tag of {@code in} and wipes the one-time key it used. */
    private static void tag(byte[] polyKey, byte[] in, int inOff, int len, byte[] out, int outOff) {
        Poly1305 poly = new Poly1305();
        poly.init(new KeyParameter(polyKey));
        poly.update(in, inOff, len);
        poly.doFinal(out, outOff);
        Arrays.fill(polyKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "NaclBox[key hidden]";
    }
}
