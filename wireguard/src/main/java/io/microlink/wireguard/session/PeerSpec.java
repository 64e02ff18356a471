package io.microlink.wireguard.session;

import java.util.Base64;

/**
 * What the engine needs to know about a peer.
 *
 * @param publicKey the peer's 32-byte static public key
 * @param presharedKey               32 bytes, or null for none
 * @param endpoint                   where to send first, or null to wait for the peer to call
 * @param persistentKeepaliveSeconds 0 for off
 * @param priority                   never evicted by the session cap
 */
public record PeerSpec(byte[] publicKey, byte[] presharedKey, Endpoint endpoint,
                       int persistentKeepaliveSeconds, boolean priority) {
    @Override
    public String toString() {
        return "PeerSpec[" + Base64.getEncoder().encodeToString(publicKey) + ", endpoint=" + endpoint
                + ", psk=" + (presharedKey == null ? "none" : "hidden") + "]";
    }
}
