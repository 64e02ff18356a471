package io.microlink.control.noise;

import io.microlink.crypto.ChaCha20Poly1305;
import javax.crypto.AEADBadTagException;

/**
 * The ts2021 record layer after the handshake, sans I/O. A record on the wire is
 * {@code 0x04 || u16 BE length || ciphertext}, at most 4096 bytes in all, so at most
 * {@value #MAX_PLAINTEXT} bytes of plaintext. Unlike WireGuard, the nonce is four zero
 * bytes followed by the message counter in <em>big</em>-endian order.
 *
 * <p>Not thread-safe; the socket that uses it serialises each direction.
 *
 * <pre>{@code
 * byte[] record = transport.seal(data, 0, n);                 // write it to the socket
 * int len = NoiseTransport.ciphertextLength(header);        // header = first 3 bytes read
 * byte[] plain = transport.open(ciphertext);                  // the next len bytes
 * }</pre>
 */
public final class NoiseTransport {
    public static final int HEADER_LENGTH = 3;
    public static final int MAX_RECORD = 4096;
    public static final int MAX_PLAINTEXT = MAX_RECORD - HEADER_LENGTH - ChaCha20Poly1305.TAG_LENGTH;
    static final byte TYPE_RECORD = 0x04;

    private final ChaCha20Poly1305 sendCipher;
    private final ChaCha20Poly1305 receiveCipher;
    private final byte[] handshakeHash;
    private final byte[] sendNonce = new byte[ChaCha20Poly1305.NONCE_LENGTH];
    private final byte[] receiveNonce = new byte[ChaCha20Poly1305.NONCE_LENGTH];
    private long sent;
    private long received;

    NoiseTransport(byte[] sendKey, byte[] receiveKey, byte[] handshakeHash) {
        this.sendCipher = new ChaCha20Poly1305(sendKey);
        this.receiveCipher = new ChaCha20Poly1305(receiveKey);
        this.handshakeHash = handshakeHash;
    }

    /** Encrypts up to {@value #MAX_PLAINTEXT} bytes into one framed record. */
    public byte[] seal(byte[] plaintext, int off, int len) {
        if (len < 0 || len > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("a record holds 0.." + MAX_PLAINTEXT + " bytes, not " + len);
        }
        int ctLen = len + ChaCha20Poly1305.TAG_LENGTH;
        byte[] record = new byte[HEADER_LENGTH + ctLen];
        record[0] = TYPE_RECORD;
        record[1] = (byte) (ctLen >>> 8);
        record[2] = (byte) ctLen;
        sendCipher.seal(nextNonce(sendNonce, sent++), null, plaintext, off, len, record, HEADER_LENGTH);
        return record;
    }

    /**
     * Validates a record header and returns how many ciphertext bytes follow it.
     *
     * @throws ControlProtocolException for another message type or an oversized record
     */
    public static int ciphertextLength(byte[] header) throws ControlProtocolException {
        if (header[0] != TYPE_RECORD) {
            throw new ControlProtocolException("expected a Noise record (type 4), got type " + (header[0] & 0xFF));
        }
        int len = ((header[1] & 0xFF) << 8) | (header[2] & 0xFF);
        if (len + HEADER_LENGTH > MAX_RECORD || len < ChaCha20Poly1305.TAG_LENGTH) {
            throw new ControlProtocolException("Noise record length " + len + " out of range");
        }
        return len;
    }

    /** Decrypts the ciphertext of the next record; any failure ends the connection. */
    public byte[] open(byte[] ciphertext) throws ControlProtocolException {
        try {
            return receiveCipher.open(nextNonce(receiveNonce, received++), null, ciphertext);
        } catch (AEADBadTagException e) {
            throw new ControlProtocolException("Noise record failed authentication", e);
        }
    }

    /** The handshake hash, unique to this session (Noise channel binding). */
    public byte[] handshakeHash() {
        return handshakeHash.clone();
    }

    private static byte[] nextNonce(byte[] nonce, long counter) {
        // 2^64-1 is reserved; at one record per nanosecond that is 584 years away.
        if (counter == -1L) {
            throw new IllegalStateException("Noise nonce space exhausted");
        }
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (56 - 8 * i));
        }
        return nonce;
    }
}
