package io.microlink.control.noise;

import io.microlink.crypto.CryptoException;
import io.microlink.crypto.X25519;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;

/**
 * The client (initiator) side of the ts2021 Noise IK handshake with the control server,
 * sans I/O: {@link #initiation()} gives the 101 bytes to send (base64 in the upgrade
 * request's {@code X-Tailscale-Handshake} header), {@link #finish} takes the server's
 * 51-byte answer and returns the transport ciphers.
 *
 * <pre>{@code
 * ControlHandshake hs = new ControlHandshake(142, machinePrivateKey, serverPublicKey);
 * String header = hs.initiationHeader();
 * // ... POST /ts2021 with the header, read 51 bytes after "101 Switching Protocols" ...
 * NoiseTransport transport = hs.finish(response);
 * }</pre>
 */
public final class ControlHandshake {
    /** Initiation: version(2) type(1) length(2) ephemeral(32) static(48) tag(16). */
    public static final int INITIATION_LENGTH = 101;
    /** Response: type(1) length(2) ephemeral(32) tag(16). */
    public static final int RESPONSE_LENGTH = 51;
    static final byte TYPE_INITIATION = 0x01;
    static final byte TYPE_RESPONSE = 0x02;
    static final byte TYPE_ERROR = 0x03;
    private static final int KEY = 32;

    private final int version;
    private final byte[] machinePrivate;
    private final byte[] ephemeralPrivate;
    private final byte[] initiation;
    private final SymmetricState state = new SymmetricState();
    private boolean finished;

    /**
     * @param version         the capability version; also the prologue's number
     * @param machinePrivate  the node's machine key (Noise static key)
     * @param serverPublic    the control server's Noise key from {@code /key}
     */
    public ControlHandshake(int version, byte[] machinePrivate, byte[] serverPublic) throws CryptoException {
        this(version, machinePrivate, serverPublic, X25519.generatePrivateKey());
    }

    /** With a given ephemeral key, for known-answer tests. */
    ControlHandshake(int version, byte[] machinePrivate, byte[] serverPublic, byte[] ephemeralPrivate)
            throws CryptoException {
        if (version < 0 || version > 0xFFFF) {
            throw new IllegalArgumentException("capability version must fit in 16 bits: " + version);
        }
        this.version = version;
        this.machinePrivate = machinePrivate.clone();
        this.ephemeralPrivate = ephemeralPrivate.clone();

        state.mixHash(("Tailscale Control Protocol v" + version).getBytes(StandardCharsets.US_ASCII));
        state.mixHash(serverPublic);
        byte[] ephemeralPublic = X25519.publicKey(ephemeralPrivate);
        state.mixHash(ephemeralPublic);
        state.mixKey(X25519.sharedSecret(ephemeralPrivate, serverPublic));
        byte[] encryptedStatic = state.encryptAndHash(X25519.publicKey(machinePrivate));
        state.mixKey(X25519.sharedSecret(machinePrivate, serverPublic));
        byte[] tag = state.encryptAndHash(new byte[0]);

        initiation = ByteBuffer.allocate(INITIATION_LENGTH)
                .putShort((short) version)
                .put(TYPE_INITIATION)
                .putShort((short) (INITIATION_LENGTH - 5))
                .put(ephemeralPublic)
                .put(encryptedStatic)
                .put(tag)
                .array();
    }

    public byte[] initiation() {
        return initiation.clone();
    }

    /** The initiation as the upgrade header carries it: standard base64 with padding. */
    public String initiationHeader() {
        return Base64.getEncoder().encodeToString(initiation);
    }

    public int version() {
        return version;
    }

    /**
     * Reads the server's response and derives the transport ciphers: the client sends
     * with the first split key and receives with the second.
     *
     * @throws ControlProtocolException if the server sent an error message, or a malformed
     *                                  or unauthentic response
     */
    public NoiseTransport finish(byte[] response) throws ControlProtocolException {
        if (finished) {
            throw new IllegalStateException("handshake already finished");
        }
        finished = true;
        if (response.length >= 3 && response[0] == TYPE_ERROR) {
            int len = ((response[1] & 0xFF) << 8) | (response[2] & 0xFF);
            String text = new String(response, 3, Math.min(len, response.length - 3), StandardCharsets.UTF_8);
            throw new ControlProtocolException("control server refused the Noise handshake: " + text);
        }
        if (response.length != RESPONSE_LENGTH || response[0] != TYPE_RESPONSE
                || (((response[1] & 0xFF) << 8) | (response[2] & 0xFF)) != RESPONSE_LENGTH - 3) {
            throw new ControlProtocolException("malformed Noise handshake response (" + response.length
                    + " bytes, type " + (response.length > 0 ? response[0] : -1) + ")");
        }
        byte[] serverEphemeral = Arrays.copyOfRange(response, 3, 3 + KEY);
        try {
            state.mixHash(serverEphemeral);
            state.mixKey(X25519.sharedSecret(ephemeralPrivate, serverEphemeral));
            state.mixKey(X25519.sharedSecret(machinePrivate, serverEphemeral));
            state.decryptAndHash(Arrays.copyOfRange(response, 3 + KEY, RESPONSE_LENGTH));
        } catch (CryptoException | AEADBadTagException e) {
            throw new ControlProtocolException("Noise handshake response did not authenticate: wrong server key?", e);
        } finally {
            Arrays.fill(ephemeralPrivate, (byte) 0);
        }
        byte[][] keys = state.split();
        return new NoiseTransport(keys[0], keys[1], state.handshakeHash());
    }
}
