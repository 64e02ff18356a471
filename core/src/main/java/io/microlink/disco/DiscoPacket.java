package io.microlink.disco;

import io.microlink.crypto.CryptoException;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * DISCO on the wire, sans I/O: {@code "TS💬" (6) || sender disco key (32) || NaCl box
 * (nonce, tag, message)} sealed from the sender's disco key to the receiver's. The same
 * bytes travel over UDP or as a DERP packet.
 *
 * <pre>{@code
 * byte[] wire = DiscoPacket.seal(myDisco, peerDiscoKey, new DiscoMessage.Ping(txId, myNodeKey, 0));
 * DiscoPacket.Opened in = DiscoPacket.open(myDisco, received);
 * }</pre>
 */
public final class DiscoPacket {
    static final byte[] MAGIC = {'T', 'S', (byte) 0xF0, (byte) 0x9F, (byte) 0x92, (byte) 0xAC};
    private static final int HEADER = MAGIC.length + 32;

    private DiscoPacket() {}

    /** A packet opened with our disco key: who sent it, and what. */
    public record Opened(PublicKey sender, DiscoMessage message) {}

    /** Whether a received packet is DISCO rather than WireGuard or STUN. */
    public static boolean looksLikeDisco(byte[] packet) {
        return packet.length >= HEADER && Arrays.equals(packet, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    public static byte[] seal(PrivateKey ownDisco, PublicKey peerDisco, DiscoMessage message) throws CryptoException {
        byte[] box = ownDisco.boxTo(peerDisco).seal(message.encode());
        byte[] out = new byte[HEADER + box.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(ownDisco.publicKey().raw(), 0, out, MAGIC.length, 32);
        System.arraycopy(box, 0, out, HEADER, box.length);
        return out;
    }

    /**
     * Opens a packet sent to our disco key. Callers should first check that the sender's disco
     * key belongs to a peer in the netmap, and drop it otherwise.
     */
    public static Opened open(PrivateKey ownDisco, byte[] packet) throws DiscoException {
        if (!looksLikeDisco(packet)) {
            throw new DiscoException("not a DISCO packet");
        }
        PublicKey sender = PublicKey.of(KeyKind.DISCO, Arrays.copyOfRange(packet, MAGIC.length, HEADER));
        try {
            byte[] plain = ownDisco.boxTo(sender).open(Arrays.copyOfRange(packet, HEADER, packet.length));
            return new Opened(sender, DiscoMessage.decode(plain));
        } catch (CryptoException | AEADBadTagException e) {
            throw new DiscoException("DISCO packet from " + sender.shortString() + " does not open");
        }
    }
}
