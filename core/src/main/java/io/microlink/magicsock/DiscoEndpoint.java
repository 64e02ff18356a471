package io.microlink.magicsock;

import io.microlink.crypto.CryptoException;
import io.microlink.disco.DiscoException;
import io.microlink.disco.DiscoMessage;
import io.microlink.disco.DiscoPacket;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.net.InetSocketAddress;
import java.util.function.Predicate;

/**
 * This node's DISCO, sans I/O: pings from peers in the netmap get a pong carrying the address
 * we saw them come from, to go back on the path they arrived by (that is what lets a peer's
 * {@code tailscale ping} see us); pongs to our own pings are recognised by transaction.
 *
 * <pre>{@code
 * switch (disco.handle(packet, udpSource, netmap::hasPeerWithDiscoKey)) {
 *     case DiscoEndpoint.Reply r -> udp.send(r.packet(), udpSource);
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

    /** Send this back on the path the packet came by. */
    record Reply(byte[] packet) implements Outcome {}

    /** A peer answered one of our pings. */
    record PongReceived(byte[] txId, PublicKey sender) implements Outcome {}

    /** Not for us, not from a peer, or nothing to do. */
    record Ignored() implements Outcome {}

    private final PrivateKey discoKey;

    DiscoEndpoint(PrivateKey discoKey) {
        this.discoKey = discoKey;
    }

    /**
     * @param seenAs the sender's UDP address, or {@code 127.3.3.40:<region>} for a DERP path
     * @param isPeerDiscoKey whether the sender is a peer; tailscale drops everyone else's DISCO too
     */
    Outcome handle(byte[] packet, InetSocketAddress seenAs, Predicate<PublicKey> isPeerDiscoKey) {
        try {
            DiscoPacket.Opened in = DiscoPacket.open(discoKey, packet);
            if (!isPeerDiscoKey.test(in.sender())) {
                return new Ignored();
            }
            return switch (in.message()) {
                case DiscoMessage.Ping ping -> new Reply(DiscoPacket.seal(discoKey, in.sender(),
                        new DiscoMessage.Pong(ping.txId(), seenAs)));
                case DiscoMessage.Pong pong -> new PongReceived(pong.txId(), in.sender());
                default -> new Ignored();
            };
        } catch (DiscoException | CryptoException e) {
            return new Ignored();
        }
    }

    /** A ping to a peer's disco key, announcing our node key. */
    byte[] ping(PublicKey peerDisco, byte[] txId, PublicKey ownNodeKey) throws CryptoException {
        return DiscoPacket.seal(discoKey, peerDisco, new DiscoMessage.Ping(txId, ownNodeKey, 0));
    }

    static InetSocketAddress derpPath(int region) {
        return new InetSocketAddress(DERP_MAGIC_IP, region);
    }
}
