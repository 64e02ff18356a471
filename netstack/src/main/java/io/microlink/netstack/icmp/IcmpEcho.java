package io.microlink.netstack.icmp;

import static io.microlink.netstack.NetworkOrder.u16;

import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import java.util.Optional;

/**
 * An ICMP echo request or reply ("ping", RFC 792 / RFC 4443 section 4): identifier, sequence
 * number and where its data lies in the packet's buffer.
 *
 * <pre>{@code
 * Optional<IcmpEcho> echo = IcmpEcho.parse(packet);
 * byte[] ping = IcmpEcho.packet(ip, ourAddr, peerAddr, false, 0x4d4c, 1, data, 0, data.length);
 * }</pre>
 *
 * @param isReply {@code true} for a reply, {@code false} for a request
 * @param identifier the echo identifier
 * @param sequence the echo sequence number
 * @param buffer the buffer holding the packet
 * @param dataOffset where the echo data starts in {@code buffer}
 * @param dataLength the echo data's length
 */
public record IcmpEcho(boolean isReply, int identifier, int sequence, byte[] buffer, int dataOffset, int dataLength) {

    /**
     * The echo message in an ICMP packet; empty when the packet holds another kind of ICMP message.
     *
     * @param p an ICMP packet
     * @return the echo message, or empty
     * @throws MalformedPacketException if the ICMP message is too short or its checksum fails
     */
    public static Optional<IcmpEcho> parse(IpPacket p) throws MalformedPacketException {
        Icmp.verify(p);
        byte[] b = p.buffer();
        int off = p.payloadOffset();
        int type = b[off] & 0xff;
        boolean v4 = p.version() == 4;
        if (type != (v4 ? Icmp.V4_ECHO_REQUEST : Icmp.V6_ECHO_REQUEST) && type != (v4 ? Icmp.V4_ECHO_REPLY : Icmp.V6_ECHO_REPLY)) {
            return Optional.empty();
        }
        boolean reply = type == Icmp.V4_ECHO_REPLY || type == Icmp.V6_ECHO_REPLY;
        return Optional.of(new IcmpEcho(reply, u16(b, off + 4), u16(b, off + 6),
                b, off + Icmp.HEADER_LENGTH, p.payloadLength() - Icmp.HEADER_LENGTH));
    }

    /**
     * A whole IP packet carrying an echo request or reply with {@code data[offset, offset + length)}.
     *
     * @param ip builds the IP header
     * @param source our address (4 or 16 bytes, which picks ICMPv4 or ICMPv6)
     * @param destination the peer's address
     * @param reply {@code true} for a reply, {@code false} for a request
     * @param identifier the echo identifier
     * @param sequence the echo sequence number
     * @param data the array holding the echo data
     * @param offset where it starts
     * @param length its length
     * @return the whole IP packet
     */
    public static byte[] packet(IpPacketBuilder ip, byte[] source, byte[] destination, boolean reply, int identifier, int sequence,
            byte[] data, int offset, int length) {
        boolean v4 = source.length == 4;
        int type = reply ? (v4 ? Icmp.V4_ECHO_REPLY : Icmp.V6_ECHO_REPLY) : (v4 ? Icmp.V4_ECHO_REQUEST : Icmp.V6_ECHO_REQUEST);
        return Icmp.message(ip, source, destination, type, 0, (identifier & 0xffff) << 16 | (sequence & 0xffff), data, offset, length);
    }
}
