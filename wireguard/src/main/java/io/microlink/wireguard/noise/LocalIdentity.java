package io.microlink.wireguard.noise;

import io.microlink.crypto.Blake2s;
import io.microlink.crypto.X25519;

/**
 * This device's static key pair and the values derived from its public key that every
 * incoming handshake needs: the responder's initial hash and the mac1 and cookie keys.
 */
public final class LocalIdentity {
    final byte[] privateKey;
    final byte[] publicKey;
    /** HASH(H0 || our public key): the responder starts every handshake from this. */
    final byte[] responderInitialHash;
    final byte[] mac1Key;
    final byte[] cookieKey;

    /**
     * Our static key pair and the keys derived from its public half.
     *
     * @param privateKey 32-byte X25519 private key; copied
     */
    public LocalIdentity(byte[] privateKey) {
        this.privateKey = privateKey.clone();
        this.publicKey = X25519.publicKey(this.privateKey);
        this.responderInitialHash = Blake2s.hash(Protocol.INITIAL_HASH, publicKey);
        this.mac1Key = Blake2s.hash(Protocol.LABEL_MAC1, publicKey);
        this.cookieKey = Blake2s.hash(Protocol.LABEL_COOKIE, publicKey);
    }

    /**
     * Our static public key.
     *
     * @return a copy of the 32 bytes
     */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public String toString() {
        return "LocalIdentity[private key hidden]";
    }
}
