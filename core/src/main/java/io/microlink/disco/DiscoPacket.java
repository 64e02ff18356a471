package io.microlink.disco;

import io.microlink.crypto.CryptoException;
import io.microlink.crypto.NaclBox;
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

    /** The sender's disco key, readable before any decryption; call only when {@link #looksLikeDisco} holds. */
    public static PublicKey sender(byte[] packet) {
        return PublicKey.of(KeyKind.DISCO, Arrays.copyOfRange(packet, MAGIC.length, HEADER));
    }

    /** Whether a received packet is DISCO rather than WireGuard or STUN. */
    public static boolean looksLikeDisco(byte[] packet) {
        return looksLikeDisco(packet, 0, packet.length);
    }

    /** As {@link #looksLikeDisco(byte[])} for the {@code len} bytes of {@code packet} at {@code off}. */
    public static boolean looksLikeDisco(byte[] packet, int off, int len) {
        return len >= HEADER && Arrays.equals(packet, off, off + MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    public static byte[] seal(PrivateKey ownDisco, PublicKey peerDisco, DiscoMessage message) throws CryptoException {
        return seal(ownDisco.publicKey(), ownDisco.boxTo(peerDisco), message);
    }

    /** As {@link #seal(PrivateKey, PublicKey, DiscoMessage)} with the pair's box precomputed (saves an X25519). */
    public static byte[] seal(PublicKey ownDisco, NaclBox pairBox, DiscoMessage message) {
        byte[] box = pairBox.seal(message.encode());
        byte[] out = new byte[HEADER + box.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(ownDisco.raw(), 0, out, MAGIC.length, 32);
        System.arraycopy(box, 0, out, HEADER, box.length);
        return out;
    }

    /** Precomputed boxes by sender, so steady traffic with a peer costs no X25519. */
    @FunctionalInterface
    public interface BoxCache {
        NaclBox boxFor(PublicKey peerDisco) throws CryptoException;
    }

    /**
     * Opens a packet sent to our disco key. Callers should first check that the sender's disco
     * key belongs to a peer in the netmap, and drop it otherwise.
     */
    public static Opened open(PrivateKey ownDisco, byte[] packet) throws DiscoException {
        return open(ownDisco::boxTo, packet);
    }

    /** As {@link #open(PrivateKey, byte[])}, taking the box for the sender from {@code boxes}. */
    public static Opened open(BoxCache boxes, byte[] packet) throws DiscoException {
        if (!looksLikeDisco(packet)) {
            throw new DiscoException("not a DISCO packet");
        }
        PublicKey sender = sender(packet);
        try {
            byte[] plain = boxes.boxFor(sender).open(Arrays.copyOfRange(packet, HEADER, packet.length));
            return new Opened(sender, DiscoMessage.decode(plain));
        } catch (CryptoException | AEADBadTagException e) {
            throw new DiscoException("DISCO packet from " + sender.shortString() + " does not open");
        }
    }
}
