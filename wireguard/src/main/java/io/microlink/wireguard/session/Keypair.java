package io.microlink.wireguard.session;

import io.microlink.crypto.ChaCha20Poly1305;
import io.microlink.wireguard.noise.Bytes;
import io.microlink.wireguard.noise.Protocol;
import io.microlink.wireguard.noise.SessionKeys;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * One session's transport state (whitepaper §5.4.6): a cipher per direction, the send counter
 * and the receive replay window. The two directions are locked separately so that the send and
 * receive paths never wait on each other.
 */
final class Keypair {
    final Peer peer;
    final int localIndex;
    final int remoteIndex;
    final boolean initiator;
    final long createdNanos;
    final ReplayWindow replay = new ReplayWindow();
    private final ChaCha20Poly1305 sendCipher;
    private final ChaCha20Poly1305 receiveCipher;
    private final byte[] sendNonce = new byte[ChaCha20Poly1305.NONCE_LENGTH];
    private final byte[] receiveNonce = new byte[ChaCha20Poly1305.NONCE_LENGTH];
    private long sendCounter;

    Keypair(Peer peer, SessionKeys keys, long createdNanos) {
        this.peer = peer;
        this.localIndex = keys.localIndex();
        this.remoteIndex = keys.remoteIndex();
        this.initiator = keys.initiator();
        this.createdNanos = createdNanos;
        this.sendCipher = new ChaCha20Poly1305(keys.sendKey());
        this.receiveCipher = new ChaCha20Poly1305(keys.receiveKey());
        Arrays.fill(keys.sendKey(), (byte) 0);
        Arrays.fill(keys.receiveKey(), (byte) 0);
    }

    /** The next counter that {@link #seal} would use, for rekey-after-messages decisions. */
    synchronized long sendCounter() {
        return sendCounter;
    }

    /**
     * Encrypts {@code len} plaintext bytes at {@code off} in place, the 16-byte transport
     * header going just before them. Returns the message length, or -1 if the key is used up.
     */
    synchronized int seal(byte[] buf, int off, int len, long rejectAfterMessages) {
        long counter = sendCounter;
        if (Long.compareUnsigned(counter, rejectAfterMessages) >= 0) {
            return -1;
        }
        sendCounter = counter + 1;
        Bytes.putLong(sendNonce, 4, counter);
        int sealed = sendCipher.seal(sendNonce, null, buf, off, len, buf, off);
        int start = off - Protocol.TRANSPORT_HEADER_SIZE;
        Bytes.putInt(buf, start, Protocol.TYPE_TRANSPORT);
        Bytes.putInt(buf, start + 4, remoteIndex);
        Bytes.putLong(buf, start + 8, counter);
        return sealed + Protocol.TRANSPORT_HEADER_SIZE;
    }

    /** Decrypts in place; returns the plaintext length or -1 if the message is forged. */
    int open(long counter, byte[] buf, int off, int len) {
        synchronized (receiveCipher) {
            Bytes.putLong(receiveNonce, 4, counter);
            try {
                return receiveCipher.open(receiveNonce, null, buf, off, len, buf, off);
            } catch (AEADBadTagException e) {
                return -1;
            }
        }
    }
}
