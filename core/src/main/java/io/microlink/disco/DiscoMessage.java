package io.microlink.disco;

import io.microlink.key.KeyKind;
import io.microlink.key.PublicKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The DISCO messages a node exchanges to find paths, as plaintext inside a
 * {@link DiscoPacket}: {@code type(1) || version(1) = 0 || payload}. Receivers ignore bytes
 * beyond what they understand.
 */
public sealed interface DiscoMessage {
    int TYPE_PING = 0x01;
    int TYPE_PONG = 0x02;
    int TYPE_CALL_ME_MAYBE = 0x03;
    int TX_ID_LENGTH = 12;

    byte[] encode();

    /**
     * "Are you there, on this path?" Carries the sender's node key so the receiver knows which
     * peer the path belongs to; padding probes the path MTU.
     */
    record Ping(byte[] txId, PublicKey nodeKey, int padding) implements DiscoMessage {
        @Override
        public byte[] encode() {
            return ByteBuffer.allocate(2 + TX_ID_LENGTH + 32 + padding).put((byte) TYPE_PING).put((byte) 0)
                    .put(txId).put(nodeKey.raw()).array();
        }
    }

    /** The answer to a ping: its transaction ID and the address the ping came from, as seen here. */
    record Pong(byte[] txId, InetSocketAddress source) implements DiscoMessage {
        @Override
        public byte[] encode() {
            return ByteBuffer.allocate(2 + TX_ID_LENGTH + 18).put((byte) TYPE_PONG).put((byte) 0).put(txId)
                    .put(ip16(source.getAddress())).putShort((short) source.getPort()).array();
        }
    }

    /** "Ping me at these endpoints": sent over DERP to start hole punching. */
    record CallMeMaybe(List<InetSocketAddress> endpoints) implements DiscoMessage {
        @Override
        public byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(2 + 18 * endpoints.size()).put((byte) TYPE_CALL_ME_MAYBE).put((byte) 0);
            for (InetSocketAddress e : endpoints) {
                b.put(ip16(e.getAddress())).putShort((short) e.getPort());
            }
            return b.array();
        }
    }

    /**
     * Parses a decrypted message.
     *
     * @throws DiscoException for an unknown type or version, or a payload too short for its type
     */
    static DiscoMessage decode(byte[] p) throws DiscoException {
        if (p.length < 2) {
            throw new DiscoException("DISCO message of " + p.length + " bytes");
        }
        if (p[1] != 0) {
            throw new DiscoException("DISCO message version " + p[1] + " is not understood");
        }
        int type = p[0] & 0xFF;
        byte[] body = Arrays.copyOfRange(p, 2, p.length);
        return switch (type) {
            case TYPE_PING -> {
                require(body.length >= TX_ID_LENGTH, "ping");
                PublicKey node = body.length >= TX_ID_LENGTH + 32
                        ? PublicKey.of(KeyKind.NODE, Arrays.copyOfRange(body, TX_ID_LENGTH, TX_ID_LENGTH + 32)) : null;
                yield new Ping(Arrays.copyOf(body, TX_ID_LENGTH), node, Math.max(0, body.length - TX_ID_LENGTH - 32));
            }
            case TYPE_PONG -> {
                require(body.length >= TX_ID_LENGTH + 18, "pong");
                yield new Pong(Arrays.copyOf(body, TX_ID_LENGTH), endpoint(body, TX_ID_LENGTH));
            }
            case TYPE_CALL_ME_MAYBE -> {
                require(body.length % 18 == 0, "call-me-maybe");
                List<InetSocketAddress> eps = new ArrayList<>();
                for (int off = 0; off < body.length; off += 18) {
                    eps.add(endpoint(body, off));
                }
                yield new CallMeMaybe(List.copyOf(eps));
            }
            default -> throw new DiscoException("DISCO message type " + type + " is not supported");
        };
    }

    private static void require(boolean ok, String what) throws DiscoException {
        if (!ok) {
            throw new DiscoException("malformed DISCO " + what);
        }
    }

    /** IPv4 travels as an IPv4-mapped IPv6 address. */
    private static byte[] ip16(InetAddress a) {
        byte[] raw = a.getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }

    private static InetSocketAddress endpoint(byte[] b, int off) throws DiscoException {
        try {
            // InetAddress turns a v4-mapped address back into an Inet4Address by itself.
            InetAddress ip = InetAddress.getByAddress(Arrays.copyOfRange(b, off, off + 16));
            return new InetSocketAddress(ip, ((b[off + 16] & 0xFF) << 8) | (b[off + 17] & 0xFF));
        } catch (UnknownHostException e) {
            throw new DiscoException("bad address in DISCO message");
        }
    }
}
