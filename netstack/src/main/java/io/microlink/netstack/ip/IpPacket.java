package io.microlink.netstack.ip;

import io.microlink.netstack.MalformedPacketException;

/**
 * A parsed, validated IPv4 or IPv6 packet: a view over the caller's buffer (only the addresses
 * are copied), valid for as long as the caller leaves that buffer alone.
 *
 * <p>For a fragment, {@link #protocol} is the protocol of the whole datagram and the payload is
 * this fragment's share of it; hand fragments to a {@link FragmentReassembler}. For an unfragmented
 * IPv6 packet the extension headers have been walked, so the payload is the upper-layer message.
 *
 * <pre>{@code
 * IpPacket p = IpPacket.parse(buf, 0, len);
 * if (p.isFragment()) {
 *     p = reassembler.accept(p, System.nanoTime()).orElse(null);
 * }
 * if (p != null && p.protocol() == IpProtocol.UDP) {
 *     UdpDatagram d = UdpDatagram.parse(p);
 * }
 * }</pre>
 *
 * @param version 4 or 6
 * @param source 4 or 16 bytes
 * @param destination 4 or 16 bytes
 * @param protocol the upper-layer protocol ({@link IpProtocol})
 * @param hopLimit the IPv4 TTL or the IPv6 hop limit
 * @param buffer the caller's buffer
 * @param offset where the packet starts in {@code buffer}
 * @param length the packet's length by its own header (trailing bytes in the buffer are not part of it)
 * @param payloadOffset where the upper-layer message (or fragment data) starts in {@code buffer}
 * @param payloadLength the length of the upper-layer message (or fragment data)
 * @param fragmentId the IPv4 identification (16 bits) or IPv6 fragment identification (32 bits); 0 when not a fragment
 * @param fragmentOffset this fragment's byte offset in the datagram; 0 when not a fragment
 * @param moreFragments whether fragments follow this one
 */
public record IpPacket(
        int version,
        byte[] source,
        byte[] destination,
        int protocol,
        int hopLimit,
        byte[] buffer,
        int offset,
        int length,
        int payloadOffset,
        int payloadLength,
        int fragmentId,
        int fragmentOffset,
        boolean moreFragments) {

    /**
     * Parses the packet in {@code buffer[offset, offset + length)}; the version nibble picks the family.
     *
     * @param buffer the buffer
     * @param offset where the packet starts
     * @param length its length
     * @return the parsed header fields
     * @throws MalformedPacketException if it is neither a valid IPv4 nor a valid IPv6 packet
     */
    public static IpPacket parse(byte[] buffer, int offset, int length) throws MalformedPacketException {
        if (length < 1) {
            throw new MalformedPacketException("empty packet");
        }
        return switch ((buffer[offset] & 0xff) >>> 4) {
            case 4 -> Ipv4Header.parse(buffer, offset, length);
            case 6 -> Ipv6Header.parse(buffer, offset, length);
            default -> throw new MalformedPacketException("IP version " + ((buffer[offset] & 0xff) >>> 4));
        };
    }

    /**
     * Whether this is one piece of a larger datagram (an IPv6 atomic fragment is not).
     *
     * @return {@code true} for a fragment
     */
    public boolean isFragment() {
        return moreFragments || fragmentOffset != 0;
    }

    /**
     * The length of the IP header (with any IPv6 extension headers) in front of the payload.
     *
     * @return the header length in bytes
     */
    public int headerLength() {
        return payloadOffset - offset;
    }
}
