package io.microlink.control.noise;

import io.microlink.crypto.Blake2s;
import io.microlink.crypto.ChaCha20Poly1305;
import io.microlink.crypto.Hkdf;
import java.nio.charset.StandardCharsets;
import javax.crypto.AEADBadTagException;

/**
 * Noise's SymmetricState for Noise_IK_25519_ChaChaPoly_BLAKE2s as ts2021 uses it: the
 * chaining key, the handshake hash and the current handshake key. Each handshake key
 * encrypts exactly one message under the all-zero nonce, so no nonce counter is kept.
 */
final class SymmetricState {
    static final String PROTOCOL_NAME = "Noise_IK_25519_ChaChaPoly_BLAKE2s";
    private static final byte[] ZERO_NONCE = new byte[ChaCha20Poly1305.NONCE_LENGTH];

    private byte[] chainingKey;
    private byte[] hash;
    private byte[] key;

    SymmetricState() {
        // The name is 33 bytes, longer than a hash, so Noise hashes it rather than padding it.
        hash = Blake2s.hash(PROTOCOL_NAME.getBytes(StandardCharsets.US_ASCII));
        chainingKey = hash.clone();
    }

    void mixHash(byte[] data) {
        hash = Blake2s.hash(hash, data);
    }

    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = Hkdf.derive(chainingKey, inputKeyMaterial, 2);
        chainingKey = out[0];
        key = out[1];
    }

    byte[] encryptAndHash(byte[] plaintext) {
        byte[] ciphertext = new ChaCha20Poly1305(key).seal(ZERO_NONCE, hash, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    byte[] decryptAndHash(byte[] ciphertext) throws AEADBadTagException {
        byte[] plaintext = new ChaCha20Poly1305(key).open(ZERO_NONCE, hash, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    /** The two transport keys: initiator-to-responder, then responder-to-initiator. */
    byte[][] split() {
        return Hkdf.derive(chainingKey, new byte[0], 2);
    }

    byte[] handshakeHash() {
        return hash.clone();
    }
}
