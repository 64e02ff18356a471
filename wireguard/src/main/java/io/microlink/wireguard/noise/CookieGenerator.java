package io.microlink.wireguard.noise;

import io.microlink.crypto.Blake2s;
import io.microlink.crypto.XChaCha20Poly1305;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * Our side of a peer's DoS protection (whitepaper §5.4.4, §5.4.7): writes mac1 (proof we know
 * the peer's public key) and, while we hold a fresh cookie from that peer, mac2 into every
 * handshake message we send it. Not thread-safe; the owning peer serialises access.
 */
public final class CookieGenerator {
    private static final long COOKIE_LIFETIME_NANOS = 120_000_000_000L;

    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private byte[] lastMac1;
    private byte[] cookie;
    private long cookieReceivedNanos;

    /**
     * Adds macs to handshake messages for one peer.
     *
     * @param peerPublicKey the peer's static public key, from which the mac keys derive
     */
    public CookieGenerator(byte[] peerPublicKey) {
        this.mac1Key = Blake2s.hash(Protocol.LABEL_MAC1, peerPublicKey);
        this.cookieKey = Blake2s.hash(Protocol.LABEL_COOKIE, peerPublicKey);
    }

    /**
     * Writes mac1 and mac2 into the last 32 bytes of {@code msg}, a whole handshake message.
     *
     * @param msg the handshake message
     * @param nowNanos the time now; a cookie older than two minutes is not used
     */
    public void addMacs(byte[] msg, long nowNanos) {
        int mac1Off = Protocol.mac1Offset(msg.length);
        byte[] mac1 = Blake2s.mac128(mac1Key, Arrays.copyOf(msg, mac1Off));
        System.arraycopy(mac1, 0, msg, mac1Off, Protocol.MAC_LENGTH);
        lastMac1 = mac1;
        int mac2Off = Protocol.mac2Offset(msg.length);
        if (cookie != null && nowNanos - cookieReceivedNanos < COOKIE_LIFETIME_NANOS) {
            byte[] mac2 = Blake2s.mac128(cookie, Arrays.copyOf(msg, mac2Off));
            System.arraycopy(mac2, 0, msg, mac2Off, Protocol.MAC_LENGTH);
        } else {
            Arrays.fill(msg, mac2Off, msg.length, (byte) 0);
        }
    }

    /**
     * Takes the cookie from a 64-byte cookie reply to the last message we sent. Returns false if
     * it was not for that message or does not authenticate.
     *
     * @param msg the buffer holding the cookie reply
     * @param off where it starts
     * @param nowNanos the time now, when the cookie's lifetime starts
     * @return whether the cookie was taken
     */
    public boolean consumeReply(byte[] msg, int off, long nowNanos) {
        if (lastMac1 == null) {
            return false;
        }
        byte[] nonce = Arrays.copyOfRange(msg, off + Protocol.COOKIE_NONCE, off + Protocol.COOKIE_ENCRYPTED);
        byte[] sealed = Arrays.copyOfRange(msg, off + Protocol.COOKIE_ENCRYPTED, off + Protocol.COOKIE_REPLY_SIZE);
        try {
            cookie = XChaCha20Poly1305.open(cookieKey, nonce, lastMac1, sealed);
        } catch (AEADBadTagException e) {
            return false;
        }
        cookieReceivedNanos = nowNanos;
        return true;
    }

    @Override
    public String toString() {
        return "CookieGenerator[cookie " + (cookie == null ? "none" : "held") + "]";
    }
}
