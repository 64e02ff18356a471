package io.microlink.tsmp;

import io.microlink.netstack.Checksum;
import io.microlink.netstack.NetworkOrder;
import java.nio.ByteBuffer;

/**
 * The IPv4 header tailscale puts on the TSMP packets it generates ({@code packet.IP4Header}):
 * version 4 with a 20-byte header, no TOS, no flags, TTL 64, protocol 99.
 *
 * <pre>{@code
 * ByteBuffer b = TsmpIpv4Header.start(total, id, ourAddress, peerAddress);
 * b.put(body);
 * byte[] packet = TsmpIpv4Header.finish(b);
 * }</pre>
 */
final class TsmpIpv4Header {
    static final int LENGTH = 20;

    private TsmpIpv4Header() {}

    /** A buffer of {@code total} bytes holding the header with a zero checksum, positioned at the body. */
    static ByteBuffer start(int total, short id, byte[] source, byte[] destination) {
        return ByteBuffer.allocate(total)
                .put((byte) 0x45).put((byte) 0).putShort((short) total)
                .putShort(id).putShort((short) 0).put((byte) 64).put((byte) TsmpResponder.PROTOCOL).putShort((short) 0)
                .put(source).put(destination);
    }

    /** The packet with its header checksum filled in. */
    static byte[] finish(ByteBuffer b) {
        byte[] out = b.array();
        NetworkOrder.putU16(out, 10, Checksum.finish(Checksum.add(0, out, 0, LENGTH)));
        return out;
    }
}
