package io.microlink.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * X25519 Diffie-Hellman (RFC 7748) on raw 32-byte keys, as WireGuard and NaCl use them.
 *
 * <p>Built on the JDK's {@code XDH} provider: it clamps the scalar itself and already refuses
 * all-zero results, so no curve arithmetic lives in this project. Keys are plain byte arrays
 * because the protocols carry them as such; the JDK key objects exist only inside a call. That
 * wrapping makes an operation cost roughly 0.2 ms, which is fine at handshake rates (a few per
 * peer every two minutes); nothing per-packet calls X25519.
 *
 * <pre>{@code
 * byte[] alice = X25519.generatePrivateKey();
 * byte[] bob = X25519.generatePrivateKey();
 * byte[] k1 = X25519.sharedSecret(alice, X25519.publicKey(bob));
 * byte[] k2 = X25519.sharedSecret(bob, X25519.publicKey(alice)); // equals k1
 * }</pre>
 */
public final class X25519 {
    /** Length of private keys, public keys and shared secrets. */
    public static final int KEY_LENGTH = 32;

    private static final byte[] BASE_POINT = basePoint();
    private static final SecureRandom RANDOM = new SecureRandom();

    private X25519() {}

    /**
     * Returns a fresh random private key, clamped as RFC 7748 and WireGuard store it.
     *
     * @return a 32-byte private key
     */
    public static byte[] generatePrivateKey() {
        byte[] key = new byte[KEY_LENGTH];
        RANDOM.nextBytes(key);
        key[0] &= (byte) 248;
        key[31] = (byte) ((key[31] & 127) | 64);
        return key;
    }

    /**
     * Returns the public key (the scalar times the base point u=9) of a private key.
     *
     * @param privateKey the 32-byte private key
     * @return its 32-byte public key
     */
    public static byte[] publicKey(byte[] privateKey) {
        Lengths.require(privateKey, KEY_LENGTH, "X25519 private key");
        try {
            return multiply(privateKey, BASE_POINT);
        } catch (InvalidKeyException e) {
            // Clamping keeps the scalar's order large, so the base point cannot map to zero.
            throw new IllegalStateException("X25519 base-point multiplication failed", e);
        }
    }

    /**
     * Returns the shared secret of our private key and the peer's public key.
     *
     * @param privateKey our 32-byte private key
     * @param publicKey the peer's 32-byte public key
     * @return the 32-byte shared secret
     * @throws CryptoException if the peer's key is a low-order point (the result would be all
     *     zero, which a peer could use to force a known session key)
     */
    public static byte[] sharedSecret(byte[] privateKey, byte[] publicKey) throws CryptoException {
        Lengths.require(privateKey, KEY_LENGTH, "X25519 private key");
        Lengths.require(publicKey, KEY_LENGTH, "X25519 public key");
        try {
            return multiply(privateKey, publicKey);
        } catch (InvalidKeyException e) {
            throw new CryptoException("X25519 peer public key is a low-order point", e);
        }
    }

    private static byte[] multiply(byte[] scalar, byte[] uBytes) throws InvalidKeyException {
        try {
            KeyFactory factory = KeyFactory.getInstance("XDH");
            var privateKey = factory.generatePrivate(
                    new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar.clone()));
            var publicKey = factory.generatePublic(
                    new XECPublicKeySpec(NamedParameterSpec.X25519, uCoordinate(uBytes)));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(privateKey);
            agreement.doPhase(publicKey, true);
            byte[] secret = agreement.generateSecret();
            // The JDK throws on all-zero output today; this check keeps the guarantee ours.
            if (isAllZero(secret)) {
                throw new InvalidKeyException("all-zero X25519 output");
            }
            return secret;
        } catch (InvalidKeyException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's XDH provider is unusable", e);
        }
    }

    /** RFC 7748 decodeUCoordinate: little-endian, top bit ignored. */
    private static BigInteger uCoordinate(byte[] u) {
        byte[] bigEndian = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i++) {
            bigEndian[i] = u[KEY_LENGTH - 1 - i];
        }
        bigEndian[0] &= 0x7f;
        return new BigInteger(1, bigEndian);
    }

    private static boolean isAllZero(byte[] bytes) {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }

    private static byte[] basePoint() {
        byte[] u = new byte[KEY_LENGTH];
        u[0] = 9;
        return u;
    }
}
