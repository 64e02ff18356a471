package io.microlink.wireguard.noise;

import io.microlink.crypto.Blake2s;
import io.microlink.crypto.XChaCha20Poly1305;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The responder's side of DoS protection (whitepaper §5.4.7): checks mac1 on every handshake
 * message, and, when the device is under load, mac2, whose cookie binds the sender's address.
 * A cookie is MAC(secret, address), with a random secret replaced every two minutes, so
 * cookies cost no per-sender state. Thread-safe.
 */
public final class CookieChecker {
    private static final long SECRET_LIFETIME_NANOS = 120_000_000_000L;

    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final Consumer<byte[]> random;
    private byte[] secret = new byte[Protocol.KEY_LENGTH];
    private long secretCreatedNanos;
    private boolean secretSet;

    /**
     * Checks and issues cookies for our identity.
     *
     * @param local our static identity, for the mac1 and cookie keys
     * @param random fills arrays with cryptographically random bytes
     */
    public CookieChecker(LocalIdentity local, Consumer<byte[]> random) {
        this.mac1Key = local.mac1Key;
        this.cookieKey = local.cookieKey;
        this.random = random;
    }

    /**
     * True if the message's mac1 proves the sender knows our public key.
     *
     * @param msg the buffer holding a handshake message
     * @param off where it starts
     * @param len its length
     * @return whether mac1 verifies
     */
    public boolean checkMac1(byte[] msg, int off, int len) {
        int mac1Off = Protocol.mac1Offset(len);
        byte[] expected = Blake2s.mac128(mac1Key, Arrays.copyOfRange(msg, off, off + mac1Off));
        return Bytes.equal(expected, 0, msg, off + mac1Off, Protocol.MAC_LENGTH);
    }

    /**
     * True if the message's mac2 carries the current cookie for {@code source} (address bytes).
     *
     * @param msg the buffer holding a handshake message
     * @param off where it starts
     * @param len its length
     * @param source the sender's address bytes
     * @param nowNanos the time now, which picks the cookie secret
     * @return whether mac2 verifies
     */
    public boolean checkMac2(byte[] msg, int off, int len, byte[] source, long nowNanos) {
        byte[] cookie = cookieFor(source, nowNanos);
        int mac2Off = Protocol.mac2Offset(len);
        byte[] expected = Blake2s.mac128(cookie, Arrays.copyOfRange(msg, off, off + mac2Off));
        return Bytes.equal(expected, 0, msg, off + mac2Off, Protocol.MAC_LENGTH);
    }

    /**
     * Builds the 64-byte cookie reply to a handshake message from {@code source}, encrypted to
     * the message's mac1 so only its sender can use it.
     *
     * @param msg the buffer holding the handshake message
     * @param off where it starts
     * @param len its length
     * @param source the sender's address bytes
     * @param nowNanos the time now, which picks the cookie secret
     * @return the cookie reply
     */
    public byte[] createReply(byte[] msg, int off, int len, byte[] source, long nowNanos) {
        byte[] reply = new byte[Protocol.COOKIE_REPLY_SIZE];
        Protocol.writeHeader(reply, Protocol.TYPE_COOKIE_REPLY);
        // The receiver of the reply is the sender of the message: both put it at offset 4.
        System.arraycopy(msg, off + 4, reply, Protocol.COOKIE_RECEIVER, 4);
        byte[] nonce = new byte[XChaCha20Poly1305.NONCE_LENGTH];
        random.accept(nonce);
        System.arraycopy(nonce, 0, reply, Protocol.COOKIE_NONCE, nonce.length);
        int mac1Off = Protocol.mac1Offset(len);
        byte[] mac1 = Arrays.copyOfRange(msg, off + mac1Off, off + mac1Off + Protocol.MAC_LENGTH);
        byte[] sealed = XChaCha20Poly1305.seal(cookieKey, nonce, mac1, cookieFor(source, nowNanos));
        System.arraycopy(sealed, 0, reply, Protocol.COOKIE_ENCRYPTED, sealed.length);
        return reply;
    }

    private synchronized byte[] cookieFor(byte[] source, long nowNanos) {
        if (!secretSet || nowNanos - secretCreatedNanos >= SECRET_LIFETIME_NANOS) {
            random.accept(secret);
            secretCreatedNanos = nowNanos;
            secretSet = true;
        }
        return Blake2s.mac128(secret, source);
    }

    @Override
    public String toString() {
        return "CookieChecker[secret hidden]";
    }
}
