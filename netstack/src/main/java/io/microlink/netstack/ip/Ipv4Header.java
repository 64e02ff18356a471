package io.microlink.netstack.ip;

import static io.microlink.netstack.NetworkOrder.putU16;
import static io.microlink.netstack.NetworkOrder.u16;

import io.microlink.netstack.Checksum;
import io.microlink.netstack.MalformedPacketException;
import java.util.Arrays;

/**
 * The IPv4 header of RFC 791: parsed with every length and the header checksum checked, and
 * written for packets we originate. Options are skipped on receive and never sent. Used through
 * {@link IpPacket#parse} and {@link IpPacketBuilder}.
 */
final class Ipv4Header {
    /** The header without options, the only size we send. */
    static final int LENGTH = 20;

    static final int FLAGS_AND_OFFSET = 6;
    private static final int CHECKSUM = 10;
    private static final int DONT_FRAGMENT = 0x4000;
    private static final int MORE_FRAGMENTS = 0x2000;
    private static final int OFFSET_MASK = 0x1fff;
    private static final int TTL = 64;

    private Ipv4Header() {}

    /** Parses {@code b[off, off + len)}, whose version nibble says 4; bytes past its total length are ignored. */
    static IpPacket parse(byte[] b, int off, int len) throws MalformedPacketException {
        if (len < LENGTH) {
            throw new MalformedPacketException("IPv4 packet shorter than its header: " + len);
        }
        int headerLength = (b[off] & 0x0f) * 4;
        int totalLength = u16(b, off + 2);
        if (headerLength < LENGTH || headerLength > totalLength || totalLength > len) {
            throw new MalformedPacketException(
                    "IPv4 header length " + headerLength + ", total length " + totalLength + ", " + len + " bytes");
        }
        if (!Checksum.verifies(Checksum.add(0, b, off, headerLength))) {
            throw new MalformedPacketException("IPv4 header checksum");
        }
        int flagsAndOffset = u16(b, off + FLAGS_AND_OFFSET);
        return new IpPacket(4,
                Arrays.copyOfRange(b, off + 12, off + 16),
                Arrays.copyOfRange(b, off + 16, off + 20),
                b[off + 9] & 0xff,
                b[off + 8] & 0xff,
                b, off, totalLength,
                off + headerLength, totalLength - headerLength,
                u16(b, off + 4),
                (flagsAndOffset & OFFSET_MASK) * 8,
                (flagsAndOffset & MORE_FRAGMENTS) != 0);
    }

    /**
     * Writes a 20-byte header at {@code b[off]} for a payload of {@code payloadLength} bytes that
     * follows it: TTL 64 and Don't Fragment, since we never fragment and want to hear if a path
     * cannot carry a packet rather than have a router split it.
     */
    static void write(byte[] b, int off, byte[] src, byte[] dst, int protocol, int payloadLength, int identification) {
        if (payloadLength > 0xffff - LENGTH) {
            throw new IllegalArgumentException("IPv4 payload too large: " + payloadLength);
        }
        b[off] = 0x45;
        b[off + 1] = 0;
        putU16(b, off + 2, LENGTH + payloadLength);
        putU16(b, off + 4, identification);
        putU16(b, off + FLAGS_AND_OFFSET, DONT_FRAGMENT);
        b[off + 8] = (byte) TTL;
        b[off + 9] = (byte) protocol;
        System.arraycopy(src, 0, b, off + 12, 4);
        System.arraycopy(dst, 0, b, off + 16, 4);
        fillChecksum(b, off, LENGTH);
    }

    /** Computes the header checksum of a header that is otherwise complete. */
    static void fillChecksum(byte[] b, int off, int headerLength) {
        putU16(b, off + CHECKSUM, 0);
        putU16(b, off + CHECKSUM, Checksum.finish(Checksum.add(0, b, off, headerLength)));
    }
}
