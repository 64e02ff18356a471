package io.microlink.crypto;

import java.security.GeneralSecurityException;

/**
 * Bad input to a crypto operation that a caller must expect from untrusted peers, such as a
 * low-order X25519 public key. Checked, so that code handling network input cannot forget it.
 *
 * <pre>{@code
 * try {
 *     byte[] shared = X25519.sharedSecret(myPrivate, peerPublic);
 * } catch (CryptoException e) {
 *     // drop the peer's message
 * }
 * }</pre>
 */
public final class CryptoException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /**
     * An input the primitive refuses.
     *
     * @param message what was wrong with the input; must never contain key material
     */
    public CryptoException(String message) {
        super(message);
    }

    /**
     * An input the primitive refuses, found by a lower-level failure.
     *
     * @param message what was wrong with the input; must never contain key material
     * @param cause the lower-level failure
     */
    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
