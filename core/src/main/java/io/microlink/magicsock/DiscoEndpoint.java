package io.microlink.magicsock;

import io.microlink.crypto.CryptoException;
import io.microlink.crypto.NaclBox;
import io.microlink.disco.DiscoException;
import io.microlink.disco.DiscoMessage;
import io.microlink.disco.DiscoPacket;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * This node's DISCO, sans I/O: pings from peers in the netmap get a pong carrying the address
 * we saw them come from, to go back on the path they arrived by (that is what lets a peer's
 * {@code tailscale ping} see us); pongs to our own pings are recognised by transaction.
 *
 * <pre>{@code
 * switch (disco.handle(packet, udpSource, netmap::hasPeerWithDiscoKey)) {
 *     case DiscoEndpoint.Reply r -> udp.send(r.packet(), udpSource);
 *     case DiscoEndpoint.CallMeMaybeReceived c -> pingAll(c.endpoints());
 *     case DiscoEndpoint.PongReceived p -> pending.complete(p.txId());
 *     case DiscoEndpoint.Ignored i -> { }
 * }
 * }</pre>
 */
final class DiscoEndpoint {
    /** How a DERP path appears to DISCO: this address, with the region as the port. */
    static final String DERP_MAGIC_IP = "127.3.3.40";

    /** What to do with a received DISCO packet. */
    sealed interface Outcome {}

    /** A peer pinged us: send this pong back on the path the ping came by. */
    record Reply(byte[] packet, PublicKey sender) implements Outcome {}

    /** A peer answered one of our pings. */
    record PongReceived(byte[] txId, PublicKey sender) implements Outcome {}

    /** A peer (through DERP, the only place this is valid) asks us to ping these endpoints of its. */
    record CallMeMaybeReceived(List<InetSocketAddress> endpoints, PublicKey sender) implements Outcome {}

    /** Not for us, not from a peer, or nothing to do. */
    record Ignored() implements Outcome {}

    /** Bound on cached peer boxes: beyond a big tailnet's worth, the oldest are recomputed. */
    static final int MAX_CACHED_BOXES = 4096;

    private final PrivateKey discoKey;
    private final Map<PublicKey, NaclBox> boxes = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<PublicKey, NaclBox> eldest) {
                    return size() > MAX_CACHED_BOXES;
                }
            });

    DiscoEndpoint(PrivateKey discoKey) {
        this.discoKey = discoKey;
    }

    /** The box shared with a peer, computed (one X25519) on first use and then kept. */
    private NaclBox box(PublicKey peerDisco) throws CryptoException {
        NaclBox b = boxes.get(peerDisco);
        if (b == null) {
            b = discoKey.boxTo(peerDisco);
            boxes.put(peerDisco, b);
        }
        return b;
    }

    /**
     * @param seenAs the sender's UDP address, or {@code 127.3.3.40:<region>} for a DERP path
     * @param isPeerDiscoKey whether the sender is a peer; tailscale drops everyone else's DISCO too
     */
    Outcome handle(byte[] packet, InetSocketAddress seenAs, Predicate<PublicKey> isPeerDiscoKey) {
        try {
            // Checked before opening: strangers must not cost us an X25519 or a cache slot.
            if (!isPeerDiscoKey.test(DiscoPacket.sender(packet))) {
                return new Ignored();
            }
            DiscoPacket.Opened in = DiscoPacket.open(this::box, packet);
            return switch (in.message()) {
                case DiscoMessage.Ping ping -> new Reply(DiscoPacket.seal(discoKey.publicKey(), box(in.sender()),
                        new DiscoMessage.Pong(ping.txId(), seenAs)), in.sender());
                case DiscoMessage.Pong pong -> new PongReceived(pong.txId(), in.sender());
                case DiscoMessage.CallMeMaybe cmm -> new CallMeMaybeReceived(cmm.endpoints(), in.sender());
                default -> new Ignored();
            };
        } catch (DiscoException | CryptoException e) {
            return new Ignored();
        }
    }

    int cachedBoxes() {
        return boxes.size();
    }

    /** A ping to a peer's disco key, announcing our node key. */
    byte[] ping(PublicKey peerDisco, byte[] txId, PublicKey ownNodeKey) throws CryptoException {
        return DiscoPacket.seal(discoKey.publicKey(), box(peerDisco), new DiscoMessage.Ping(txId, ownNodeKey, 0));
    }

    /** Asks a peer to ping our endpoints, which opens our NAT for its pings as ours go out. */
    byte[] callMeMaybe(PublicKey peerDisco, List<InetSocketAddress> ownEndpoints) throws CryptoException {
        return DiscoPacket.seal(discoKey.publicKey(), box(peerDisco), new DiscoMessage.CallMeMaybe(ownEndpoints));
    }

    static InetSocketAddress derpPath(int region) {
        return new InetSocketAddress(DERP_MAGIC_IP, region);
    }
}
