package io.microlink.wireguard.noise;

import io.microlink.crypto.Blake2s;
import java.nio.charset.StandardCharsets;

/**
 * Wire constants of WireGuard (whitepaper §5.4): message types, sizes, field offsets and the
 * Noise_IKpsk2 labels. Offsets are kept here so that codec and handshake agree by construction.
 */
public final class Protocol {
    /** The Noise protocol name, hashed into the first chaining key. */
    public static final byte[] CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    /** WireGuard's identifier, mixed into the first hash. */
    public static final byte[] IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);
    /** The label of the mac1 key. */
    public static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
    /** The label of the cookie key. */
    public static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

    /** C0 = HASH(CONSTRUCTION), the initial chaining key. */
    static final byte[] INITIAL_CHAIN_KEY = Blake2s.hash(CONSTRUCTION);
    /** H0 = HASH(C0 || IDENTIFIER), the initial hash before mixing in the responder's key. */
    static final byte[] INITIAL_HASH = Blake2s.hash(INITIAL_CHAIN_KEY, IDENTIFIER);

    /** Message type: handshake initiation. */
    public static final int TYPE_INITIATION = 1;
    /** Message type: handshake response. */
    public static final int TYPE_RESPONSE = 2;
    /** Message type: cookie reply. */
    public static final int TYPE_COOKIE_REPLY = 3;
    /** Message type: transport data. */
    public static final int TYPE_TRANSPORT = 4;

    /** Bytes of a key. */
    public static final int KEY_LENGTH = 32;
    /** Bytes of an AEAD tag. */
    public static final int TAG_LENGTH = 16;
    /** Bytes of mac1 and of mac2. */
    public static final int MAC_LENGTH = 16;
    /** Bytes of a TAI64N timestamp. */
    public static final int TIMESTAMP_LENGTH = 12;

    /** Bytes of an initiation. */
    public static final int INITIATION_SIZE = 148;
    /** Bytes of a response. */
    public static final int RESPONSE_SIZE = 92;
    /** Bytes of a cookie reply. */
    public static final int COOKIE_REPLY_SIZE = 64;
    /** Bytes of a transport message before its ciphertext. */
    public static final int TRANSPORT_HEADER_SIZE = 16;
    /** The shortest transport message: a keepalive, header and tag. */
    public static final int TRANSPORT_MIN_SIZE = TRANSPORT_HEADER_SIZE + TAG_LENGTH;

    // Initiation: type(4) sender(4) ephemeral(32) static(48) timestamp(28) mac1(16) mac2(16)
    static final int INIT_SENDER = 4;
    static final int INIT_EPHEMERAL = 8;
    static final int INIT_STATIC = 40;
    static final int INIT_TIMESTAMP = 88;
    // Response: type(4) sender(4) receiver(4) ephemeral(32) empty(16) mac1(16) mac2(16)
    static final int RESP_SENDER = 4;
    static final int RESP_RECEIVER = 8;
    static final int RESP_EPHEMERAL = 12;
    static final int RESP_EMPTY = 44;
    // Cookie reply: type(4) receiver(4) nonce(24) cookie(32)
    static final int COOKIE_RECEIVER = 4;
    static final int COOKIE_NONCE = 8;
    static final int COOKIE_ENCRYPTED = 32;
    // Transport: type(4) receiver(4) counter(8) packet(...)
    /** Offset of the receiver index in a transport message. */
    public static final int TRANSPORT_RECEIVER = 4;
    /** Offset of the counter in a transport message. */
    public static final int TRANSPORT_COUNTER = 8;

    /** Padding multiple of transport plaintexts (whitepaper §5.4.6). */
    public static final int PADDING_MULTIPLE = 16;

    private Protocol() {}

    /**
     * The first byte is the type; the next three must be zero. Returns -1 for anything else.
     *
     * @param packet the buffer
     * @param off where the message starts
     * @param len its length
     * @return the type, 1 to 4, or -1
     */
    public static int messageType(byte[] packet, int off, int len) {
        if (len < 4 || packet[off + 1] != 0 || packet[off + 2] != 0 || packet[off + 3] != 0) {
            return -1;
        }
        return packet[off] & 0xff;
    }

    static void writeHeader(byte[] msg, int type) {
        msg[0] = (byte) type;
        msg[1] = msg[2] = msg[3] = 0;
    }

    /**
     * Offset of mac1 in a handshake message of {@code size} bytes.
     *
     * @param size the message's size
     * @return the offset
     */
    public static int mac1Offset(int size) {
        return size - 2 * MAC_LENGTH;
    }

    /**
     * Offset of mac2 in a handshake message of {@code size} bytes.
     *
     * @param size the message's size
     * @return the offset
     */
    public static int mac2Offset(int size) {
        return size - MAC_LENGTH;
    }
}
