package io.microlink.magicsock;

import io.microlink.crypto.CryptoException;
import io.microlink.disco.DiscoException;
import io.microlink.disco.DiscoMessage;
import io.microlink.disco.DiscoPacket;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Answers DISCO pings, sans I/O: a ping from a peer in the netmap gets a pong carrying the
 * address we saw it come from, to be sent back on the path it arrived by. That pong is what
 * lets a peer's {@code tailscale ping} see us, via DERP or directly.
 *
 * <pre>{@code
 * responder.reply(packet, udpSource, netmap::hasPeerWithDiscoKey).ifPresent(p -> udp.send(p, udpSource));
 * }</pre>
 */
final class DiscoResponder {
    /** How a DERP path appears to DISCO: this address, with the region as the port. */
    static final String DERP_MAGIC_IP = "127.3.3.40";

    private final PrivateKey discoKey;

    DiscoResponder(PrivateKey discoKey) {
        this.discoKey = discoKey;
    }

    /**
     * The pong for a ping, or empty for anything else: other messages, packets that do not
     * open, and senders that are not peers (tailscale drops those too).
     *
     * @param seenAs the sender's UDP address, or {@code 127.3.3.40:<region>} for a DERP path
     */
    Optional<byte[]> reply(byte[] packet, InetSocketAddress seenAs, Predicate<PublicKey> isPeerDiscoKey) {
        try {
            DiscoPacket.Opened in = DiscoPacket.open(discoKey, packet);
            if (!isPeerDiscoKey.test(in.sender()) || !(in.message() instanceof DiscoMessage.Ping ping)) {
                return Optional.empty();
            }
            return Optional.of(DiscoPacket.seal(discoKey, in.sender(), new DiscoMessage.Pong(ping.txId(), seenAs)));
        } catch (DiscoException | CryptoException e) {
            return Optional.empty();
        }
    }

    static InetSocketAddress derpPath(int region) {
        return new InetSocketAddress(DERP_MAGIC_IP, region);
    }
}
