package io.microlink.wireguard.noise;

import io.microlink.crypto.Blake2s;
import io.microlink.crypto.CryptoException;
import io.microlink.crypto.Hkdf;
import io.microlink.crypto.X25519;
import java.util.Arrays;

/**
 * The first, peer-independent half of consuming an initiation: decrypts the initiator's static
 * key so that the device can find the peer, whose {@link Handshake} then finishes the job.
 *
 * @param remoteEphemeral the initiator's ephemeral public key
 * @param senderIndex the initiator's session index
 * @param chainKey the Noise chaining key so far
 * @param hash the Noise handshake hash so far
 * @param remoteStatic the initiator's static public key
 */
public record InitiationOpening(byte[] remoteStatic, byte[] remoteEphemeral, int senderIndex,
                                byte[] chainKey, byte[] hash) {

    /**
     * Returns null if the message does not decrypt under our static key (not for us, or forged).
     *
     * @param local our static identity
     * @param msg the buffer holding an initiation
     * @param off where it starts
     * @return the opening, or null
     */
    public static InitiationOpening open(LocalIdentity local, byte[] msg, int off) {
        byte[] ephemeral = Arrays.copyOfRange(msg, off + Protocol.INIT_EPHEMERAL, off + Protocol.INIT_STATIC);
        byte[] chainKey = Hkdf.derive(Protocol.INITIAL_CHAIN_KEY, ephemeral, 1)[0];
        byte[] hash = Blake2s.hash(local.responderInitialHash, ephemeral);
        byte[] es;
        try {
            es = X25519.sharedSecret(local.privateKey, ephemeral);
        } catch (CryptoException e) {
            return null;
        }
        byte[][] kdf = Hkdf.derive(chainKey, es, 2);
        int staticLen = Protocol.KEY_LENGTH + Protocol.TAG_LENGTH;
        byte[] remoteStatic = Aead.open(kdf[1], hash, msg, off + Protocol.INIT_STATIC, staticLen);
        if (remoteStatic == null) {
            return null;
        }
        hash = Blake2s.hash(hash, Arrays.copyOfRange(msg, off + Protocol.INIT_STATIC, off + Protocol.INIT_STATIC + staticLen));
        return new InitiationOpening(remoteStatic, ephemeral, Bytes.getInt(msg, off + Protocol.INIT_SENDER), kdf[0], hash);
    }
}
