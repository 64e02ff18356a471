package io.microlink.wireguard.noise;

import io.microlink.crypto.Blake2s;
import io.microlink.crypto.CryptoException;
import io.microlink.crypto.Hkdf;
import io.microlink.crypto.X25519;
import java.time.Instant;
import java.util.Arrays;

/**
 * One peer's Noise_IKpsk2 handshake (whitepaper §5.4.2-5.4.4), as initiator or responder.
 * Pure computation: the caller supplies indices, ephemeral keys and time, and sends the bytes.
 * Not thread-safe; the owning peer serialises access.
 *
 * <pre>{@code
 * Handshake hs = new Handshake(local, peerPublicKey, psk);
 * byte[] init = hs.createInitiation(index, X25519.generatePrivateKey(), Instant.now());
 * // ... the response arrives ...
 * if (hs.consumeResponse(msg, 0)) { SessionKeys keys = hs.deriveKeys(); }
 * }</pre>
 */
public final class Handshake {
    /** Where the handshake stands; keys may be derived only in the two final states. */
    public enum State {
        /** Nothing sent or received. */
        NONE,
        /** We sent an initiation and wait for the response. */
        INITIATION_CREATED,
        /** We took the peer's initiation and owe a response. */
        INITIATION_CONSUMED,
        /** We responded; keys may be derived (the responder's final state). */
        RESPONSE_CREATED,
        /** We took the response to our initiation; keys may be derived (the initiator's final state). */
        RESPONSE_CONSUMED
    }

    private static final byte[] EMPTY = new byte[0];

    private final LocalIdentity local;
    private final byte[] remoteStatic;
    private final byte[] initiatorInitialHash;
    /** DH(our static, their static), fixed for the peer's lifetime; null if their key is low-order. */
    private final byte[] staticShared;
    private final byte[] presharedKey;

    private State state = State.NONE;
    private byte[] hash;
    private byte[] chainKey;
    private byte[] localEphemeral;
    private byte[] remoteEphemeral;
    private int localIndex;
    private int remoteIndex;
    private byte[] latestTimestamp = new byte[Protocol.TIMESTAMP_LENGTH];

    /**
     * A handshake with one peer, in state {@link State#NONE}.
     *
     * @param local our static identity
     * @param remoteStatic the peer's static public key
     * @param presharedKey 32 bytes, or null for none (all zeros, per the protocol)
     */
    public Handshake(LocalIdentity local, byte[] remoteStatic, byte[] presharedKey) {
        this.local = local;
        this.remoteStatic = remoteStatic.clone();
        this.initiatorInitialHash = Blake2s.hash(Protocol.INITIAL_HASH, remoteStatic);
        this.presharedKey = presharedKey == null ? new byte[Protocol.KEY_LENGTH] : presharedKey.clone();
        byte[] ss;
        try {
            ss = X25519.sharedSecret(local.privateKey, remoteStatic);
        } catch (CryptoException e) {
            ss = null;
        }
        this.staticShared = ss;
    }

    /**
     * Where the handshake stands.
     *
     * @return the state
     */
    public State state() {
        return state;
    }

    /**
     * The index we chose for this handshake's session, which the peer's messages carry.
     *
     * @return the index
     */
    public int localIndex() {
        return localIndex;
    }

    /**
     * Builds a 148-byte initiation with zero mac fields (the {@link CookieGenerator} fills them).
     * Returns null if the peer's static key is unusable.
     *
     * @param senderIndex our index for the session
     * @param ephemeralPrivate a fresh ephemeral private key
     * @param now the time the timestamp carries
     * @return the message, or null
     */
    public byte[] createInitiation(int senderIndex, byte[] ephemeralPrivate, Instant now) {
        return createInitiation(senderIndex, ephemeralPrivate, Tai64n.encode(now));
    }

    /** As above with a ready-made timestamp, so known-answer tests can replay another's. */
    byte[] createInitiation(int senderIndex, byte[] ephemeralPrivate, byte[] timestamp) {
        if (staticShared == null) {
            return null;
        }
        byte[] msg = new byte[Protocol.INITIATION_SIZE];
        Protocol.writeHeader(msg, Protocol.TYPE_INITIATION);
        Bytes.putInt(msg, Protocol.INIT_SENDER, senderIndex);
        byte[] ephemeralPublic = X25519.publicKey(ephemeralPrivate);
        System.arraycopy(ephemeralPublic, 0, msg, Protocol.INIT_EPHEMERAL, Protocol.KEY_LENGTH);
        byte[] ck = Hkdf.derive(Protocol.INITIAL_CHAIN_KEY, ephemeralPublic, 1)[0];
        byte[] h = Blake2s.hash(initiatorInitialHash, ephemeralPublic);
        byte[][] kdf;
        try {
            kdf = Hkdf.derive(ck, X25519.sharedSecret(ephemeralPrivate, remoteStatic), 2);
        } catch (CryptoException e) {
            return null;
        }
        Aead.seal(kdf[1], h, local.publicKey, msg, Protocol.INIT_STATIC);
        h = Blake2s.hash(h, Arrays.copyOfRange(msg, Protocol.INIT_STATIC, Protocol.INIT_TIMESTAMP));
        kdf = Hkdf.derive(kdf[0], staticShared, 2);
        Aead.seal(kdf[1], h, timestamp, msg, Protocol.INIT_TIMESTAMP);
        h = Blake2s.hash(h, Arrays.copyOfRange(msg, Protocol.INIT_TIMESTAMP, Protocol.mac1Offset(Protocol.INITIATION_SIZE)));
        this.chainKey = kdf[0];
        this.hash = h;
        this.localEphemeral = ephemeralPrivate.clone();
        this.localIndex = senderIndex;
        this.state = State.INITIATION_CREATED;
        return msg;
    }

    /**
     * Finishes consuming an initiation from this peer. Returns false, changing nothing, if the
     * timestamp does not decrypt or is not newer than the newest one accepted (a replay).
     *
     * @param opening the message's first half, as {@link InitiationOpening#open} decrypted it
     * @param msg the buffer holding the message
     * @param off where it starts
     * @return whether the initiation was taken
     */
    public boolean consumeInitiation(InitiationOpening opening, byte[] msg, int off) {
        if (staticShared == null) {
            return false;
        }
        byte[][] kdf = Hkdf.derive(opening.chainKey(), staticShared, 2);
        int tsLen = Protocol.TIMESTAMP_LENGTH + Protocol.TAG_LENGTH;
        byte[] timestamp = Aead.open(kdf[1], opening.hash(), msg, off + Protocol.INIT_TIMESTAMP, tsLen);
        if (timestamp == null || !Tai64n.after(timestamp, latestTimestamp)) {
            return false;
        }
        latestTimestamp = timestamp;
        hash = Blake2s.hash(opening.hash(), Arrays.copyOfRange(msg, off + Protocol.INIT_TIMESTAMP, off + Protocol.INIT_TIMESTAMP + tsLen));
        chainKey = kdf[0];
        remoteEphemeral = opening.remoteEphemeral();
        remoteIndex = opening.senderIndex();
        state = State.INITIATION_CONSUMED;
        return true;
    }

    /**
     * Builds a 92-byte response with zero mac fields; null unless an initiation was just consumed.
     *
     * @param senderIndex our index for the session
     * @param ephemeralPrivate a fresh ephemeral private key
     * @return the message, or null
     */
    public byte[] createResponse(int senderIndex, byte[] ephemeralPrivate) {
        if (state != State.INITIATION_CONSUMED) {
            return null;
        }
        byte[] msg = new byte[Protocol.RESPONSE_SIZE];
        Protocol.writeHeader(msg, Protocol.TYPE_RESPONSE);
        Bytes.putInt(msg, Protocol.RESP_SENDER, senderIndex);
        Bytes.putInt(msg, Protocol.RESP_RECEIVER, remoteIndex);
        byte[] ephemeralPublic = X25519.publicKey(ephemeralPrivate);
        System.arraycopy(ephemeralPublic, 0, msg, Protocol.RESP_EPHEMERAL, Protocol.KEY_LENGTH);
        byte[] ck = Hkdf.derive(chainKey, ephemeralPublic, 1)[0];
        byte[] h = Blake2s.hash(hash, ephemeralPublic);
        try {
            ck = Hkdf.derive(ck, X25519.sharedSecret(ephemeralPrivate, remoteEphemeral), 1)[0];
            ck = Hkdf.derive(ck, X25519.sharedSecret(ephemeralPrivate, remoteStatic), 1)[0];
        } catch (CryptoException e) {
            return null;
        }
        byte[][] kdf = Hkdf.derive(ck, presharedKey, 3);
        h = Blake2s.hash(h, kdf[1]);
        Aead.seal(kdf[2], h, EMPTY, msg, Protocol.RESP_EMPTY);
        h = Blake2s.hash(h, Arrays.copyOfRange(msg, Protocol.RESP_EMPTY, Protocol.RESP_EMPTY + Protocol.TAG_LENGTH));
        chainKey = kdf[0];
        hash = h;
        localIndex = senderIndex;
        state = State.RESPONSE_CREATED;
        return msg;
    }

    /**
     * Consumes a response to our initiation; false (state unchanged) if it does not authenticate.
     *
     * @param msg the buffer holding the response
     * @param off where it starts
     * @return whether the response was taken
     */
    public boolean consumeResponse(byte[] msg, int off) {
        if (state != State.INITIATION_CREATED) {
            return false;
        }
        byte[] ephemeral = Arrays.copyOfRange(msg, off + Protocol.RESP_EPHEMERAL, off + Protocol.RESP_EMPTY);
        byte[] ck = Hkdf.derive(chainKey, ephemeral, 1)[0];
        byte[] h = Blake2s.hash(hash, ephemeral);
        try {
            ck = Hkdf.derive(ck, X25519.sharedSecret(localEphemeral, ephemeral), 1)[0];
            ck = Hkdf.derive(ck, X25519.sharedSecret(local.privateKey, ephemeral), 1)[0];
        } catch (CryptoException e) {
            return false;
        }
        byte[][] kdf = Hkdf.derive(ck, presharedKey, 3);
        h = Blake2s.hash(h, kdf[1]);
        if (Aead.open(kdf[2], h, msg, off + Protocol.RESP_EMPTY, Protocol.TAG_LENGTH) == null) {
            return false;
        }
        hash = Blake2s.hash(h, Arrays.copyOfRange(msg, off + Protocol.RESP_EMPTY, off + Protocol.RESP_EMPTY + Protocol.TAG_LENGTH));
        chainKey = ck = kdf[0];
        remoteIndex = Bytes.getInt(msg, off + Protocol.RESP_SENDER);
        state = State.RESPONSE_CONSUMED;
        return true;
    }

    /**
     * Derives the transport keys (whitepaper §5.4.5) and wipes the handshake secrets, returning
     * to {@link State#NONE}. Null unless the handshake reached a final state.
     *
     * @return the keys, or null
     */
    public SessionKeys deriveKeys() {
        boolean initiator;
        if (state == State.RESPONSE_CONSUMED) {
            initiator = true;
        } else if (state == State.RESPONSE_CREATED) {
            initiator = false;
        } else {
            return null;
        }
        byte[][] t = Hkdf.derive(chainKey, EMPTY, 2);
        SessionKeys keys = initiator
                ? new SessionKeys(t[0], t[1], localIndex, remoteIndex, true)
                : new SessionKeys(t[1], t[0], localIndex, remoteIndex, false);
        clear();
        return keys;
    }

    /** The newest initiation timestamp accepted from this peer. */
    byte[] latestTimestamp() {
        return latestTimestamp.clone();
    }

    /** Forgets the handshake in progress (but not the newest accepted timestamp). */
    public void clear() {
        wipe(chainKey);
        wipe(hash);
        wipe(localEphemeral);
        chainKey = hash = localEphemeral = remoteEphemeral = null;
        state = State.NONE;
    }

    private static void wipe(byte[] b) {
        if (b != null) {
            Arrays.fill(b, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "Handshake[" + state + ", secrets hidden]";
    }
}
