package io.microlink.netstack.ip;

import static io.microlink.netstack.NetworkOrder.putU16;
import static io.microlink.netstack.NetworkOrder.u16;
import static io.microlink.netstack.NetworkOrder.u32;

import io.microlink.netstack.MalformedPacketException;
import java.util.Arrays;

/**
 * The IPv6 header of RFC 8200: parsed with its extension headers walked to the upper-layer
 * protocol, and written (without extension headers) for packets we originate. Used through
 * {@link IpPacket#parse} and {@link IpPacketBuilder}.
 */
final class Ipv6Header {
    /** The fixed header; extension headers follow it. */
    static final int LENGTH = 40;

    static final int PAYLOAD_LENGTH = 4;
    static final int NEXT_HEADER = 6;
    private static final int FRAGMENT_HEADER_LENGTH = 8;
    private static final int HOP_LIMIT = 64;

    private Ipv6Header() {}

    /**
     * Parses {@code b[off, off + len)}, whose version nibble says 6; bytes past its payload length are ignored.
     * The walk stops at a fragment header that is not atomic (RFC 6946), because what follows it is
     * only a piece of the datagram.
     */
    static IpPacket parse(byte[] b, int off, int len) throws MalformedPacketException {
        if (len < LENGTH) {
            throw new MalformedPacketException("IPv6 packet shorter than its header: " + len);
        }
        int end = off + LENGTH + u16(b, off + PAYLOAD_LENGTH);
        if (end > off + len) {
            throw new MalformedPacketException("IPv6 payload length past the end: " + (end - off) + " > " + len);
        }
        int next = b[off + NEXT_HEADER] & 0xff;
        int pos = off + LENGTH;
        int fragmentId = 0;
        int fragmentOffset = 0;
        boolean more = false;
        walk:
        while (true) {
            switch (next) {
                case IpProtocol.IPV6_HOP_BY_HOP, IpProtocol.IPV6_ROUTING, IpProtocol.IPV6_DESTINATION_OPTIONS -> {
                    if (next == IpProtocol.IPV6_HOP_BY_HOP && pos != off + LENGTH) {
                        throw new MalformedPacketException("IPv6 hop-by-hop options not first");
                    }
                    if (pos + 2 > end) {
                        throw new MalformedPacketException("IPv6 extension header truncated");
                    }
                    int headerLength = ((b[pos + 1] & 0xff) + 1) * 8;
                    if (pos + headerLength > end) {
                        throw new MalformedPacketException("IPv6 extension header longer than the packet");
                    }
                    next = b[pos] & 0xff;
                    pos += headerLength;
                }
                case IpProtocol.IPV6_FRAGMENT -> {
                    if (pos + FRAGMENT_HEADER_LENGTH > end) {
                        throw new MalformedPacketException("IPv6 fragment header truncated");
                    }
                    next = b[pos] & 0xff;
                    int offsetAndFlags = u16(b, pos + 2);
                    fragmentOffset = offsetAndFlags & 0xfff8;
                    more = (offsetAndFlags & 1) != 0;
                    fragmentId = u32(b, pos + 4);
                    pos += FRAGMENT_HEADER_LENGTH;
                    if (more || fragmentOffset != 0) {
                        break walk;
                    }
                    fragmentId = 0;
                }
                default -> {
                    break walk;
                }
            }
        }
        return new IpPacket(6,
                Arrays.copyOfRange(b, off + 8, off + 24),
                Arrays.copyOfRange(b, off + 24, off + 40),
                next,
                b[off + 7] & 0xff,
                b, off, end - off,
                pos, end - pos,
                fragmentId, fragmentOffset, more);
    }

    /** Writes a 40-byte header at {@code b[off]} for a payload of {@code payloadLength} bytes that follows it. */
    static void write(byte[] b, int off, byte[] src, byte[] dst, int protocol, int payloadLength) {
        if (payloadLength > 0xffff) {
            throw new IllegalArgumentException("IPv6 payload too large: " + payloadLength);
        }
        Arrays.fill(b, off, off + 4, (byte) 0);
        b[off] = 0x60;
        putU16(b, off + PAYLOAD_LENGTH, payloadLength);
        b[off + NEXT_HEADER] = (byte) protocol;
        b[off + 7] = (byte) HOP_LIMIT;
        System.arraycopy(src, 0, b, off + 8, 16);
        System.arraycopy(dst, 0, b, off + 24, 16);
    }
}
