package io.microlink.derp;

import io.microlink.crypto.CryptoException;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * The DERP login, sans I/O: read the server's key from its ServerKey frame, answer with a
 * ClientInfo frame (our node key and a NaCl box of our client info sealed to the server),
 * and check that the ServerInfo box opens with the same pair of keys.
 *
 * <pre>{@code
 * DerpHandshake hs = new DerpHandshake(nodeKey);
 * out.write(hs.clientInfo(DerpFrame.read(in)));     // after the ServerKey frame
 * hs.checkServerInfo(DerpFrame.read(in));           // the ServerInfo frame
 * }</pre>
 */
public final class DerpHandshake {
    static final byte[] MAGIC = {'D', 'E', 'R', 'P', (byte) 0xF0, (byte) 0x9F, (byte) 0x94, (byte) 0x91};
    static final int PROTOCOL_VERSION = 2;
    private static final byte[] CLIENT_INFO =
            ("{\"version\":" + PROTOCOL_VERSION + ",\"CanAckPings\":true}").getBytes(StandardCharsets.UTF_8);

    private final PrivateKey nodeKey;
    private PublicKey serverKey;

    public DerpHandshake(PrivateKey nodeKey) {
        if (nodeKey.kind() != KeyKind.NODE) {
            throw new IllegalArgumentException("DERP identifies a node by its node key, not a " + nodeKey.kind() + " key");
        }
        this.nodeKey = nodeKey;
    }

    /** Takes the ServerKey frame and returns the ClientInfo frame to send. */
    public byte[] clientInfo(DerpFrame serverKeyFrame) throws DerpProtocolException {
        byte[] p = serverKeyFrame.payload();
        if (serverKeyFrame.type() != FrameType.SERVER_KEY || p.length < MAGIC.length + 32
                || !Arrays.equals(p, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new DerpProtocolException("expected a DERP ServerKey frame, got type " + serverKeyFrame.type());
        }
        serverKey = PublicKey.of(KeyKind.NODE, Arrays.copyOfRange(p, MAGIC.length, MAGIC.length + 32));
        try {
            byte[] box = nodeKey.boxTo(serverKey).seal(CLIENT_INFO);
            byte[] payload = new byte[32 + box.length];
            System.arraycopy(nodeKey.publicKey().raw(), 0, payload, 0, 32);
            System.arraycopy(box, 0, payload, 32, box.length);
            return DerpFrame.encode(FrameType.CLIENT_INFO, payload);
        } catch (CryptoException e) {
            throw new DerpProtocolException("DERP server key " + serverKey.shortString() + " is unusable", e);
        }
    }

    /** Verifies the ServerInfo frame: it must open under our key pair with the server. */
    public void checkServerInfo(DerpFrame frame) throws DerpProtocolException {
        if (frame.type() != FrameType.SERVER_INFO) {
            throw new DerpProtocolException("expected a DERP ServerInfo frame, got type " + frame.type()
                    + " (is this node key registered with the tailnet?)");
        }
        try {
            nodeKey.boxTo(serverKey).open(frame.payload());
        } catch (CryptoException | AEADBadTagException e) {
            throw new DerpProtocolException("DERP ServerInfo did not authenticate", e);
        }
    }

    public PublicKey serverKey() {
        return serverKey;
    }
}
