package io.microlink.netstack.icmp;

import static io.microlink.netstack.NetworkOrder.putU16;
import static io.microlink.netstack.NetworkOrder.putU32;

import io.microlink.netstack.Checksum;
import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.ip.IpProtocol;

/**
 * What ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) messages share: the 8-byte header of type, code,
 * checksum and four type-specific bytes, and a checksum that covers the IPv6 pseudo header but
 * no IPv4 one.
 *
 * <pre>{@code
 * Icmp.verify(packet);
 * int type = packet.buffer()[packet.payloadOffset()] & 0xff;
 * }</pre>
 */
public final class Icmp {
    /** ICMPv4 type: echo reply. */
    public static final int V4_ECHO_REPLY = 0;
    /** ICMPv4 type: destination unreachable. */
    public static final int V4_DESTINATION_UNREACHABLE = 3;
    /** ICMPv4 destination-unreachable code: host unreachable. */
    public static final int V4_HOST_UNREACHABLE = 1;
    /** ICMPv4 destination-unreachable code: port unreachable. */
    public static final int V4_PORT_UNREACHABLE = 3;
    /** ICMPv4 type: echo request. */
    public static final int V4_ECHO_REQUEST = 8;
    /** ICMPv4 type: time exceeded. */
    public static final int V4_TIME_EXCEEDED = 11;
    /** ICMPv4 type: parameter problem. */
    public static final int V4_PARAMETER_PROBLEM = 12;
    /** ICMPv6 type: destination unreachable. */
    public static final int V6_DESTINATION_UNREACHABLE = 1;
    /** ICMPv6 type: packet too big. */
    public static final int V6_PACKET_TOO_BIG = 2;
    /** ICMPv6 type: time exceeded. */
    public static final int V6_TIME_EXCEEDED = 3;
    /** ICMPv6 type: parameter problem. */
    public static final int V6_PARAMETER_PROBLEM = 4;
    /** ICMPv6 destination-unreachable code: address unreachable. */
    public static final int V6_ADDRESS_UNREACHABLE = 3;
    /** ICMPv6 destination-unreachable code: port unreachable. */
    public static final int V6_PORT_UNREACHABLE = 4;
    /** ICMPv6 type: echo request. */
    public static final int V6_ECHO_REQUEST = 128;
    /** ICMPv6 type: echo reply. */
    public static final int V6_ECHO_REPLY = 129;

    /** Type, code, checksum and the four type-specific bytes. */
    public static final int HEADER_LENGTH = 8;

    private Icmp() {}

    /**
     * The IP protocol that carries ICMP in the given IP version.
     *
     * @param version 4 or 6
     * @return the protocol number of ICMP or ICMPv6
     */
    public static int protocol(int version) {
        return version == 4 ? IpProtocol.ICMP : IpProtocol.ICMPV6;
    }

    /**
     * Checks that an unfragmented ICMP packet holds at least a header and that its checksum verifies.
     *
     * @param p the packet, which must carry ICMP of its IP version and not be a fragment
     * @throws MalformedPacketException if it is too short for a header or its checksum fails
     */
    public static void verify(IpPacket p) throws MalformedPacketException {
        if (p.protocol() != protocol(p.version()) || p.isFragment()) {
            throw new IllegalArgumentException("not a whole ICMP packet");
        }
        if (p.payloadLength() < HEADER_LENGTH) {
            throw new MalformedPacketException("ICMP header truncated");
        }
        if (!Checksum.verifies(sum(p.version(), p.source(), p.destination(), p.buffer(), p.payloadOffset(), p.payloadLength()))) {
            throw new MalformedPacketException("ICMP checksum");
        }
    }

    /** A whole IP packet carrying one ICMP message whose body is {@code body[offset, offset + length)}. */
    static byte[] message(IpPacketBuilder ip, byte[] source, byte[] destination, int type, int code, int typeSpecific,
            byte[] body, int offset, int length) {
        int version = source.length == 4 ? 4 : 6;
        int messageLength = HEADER_LENGTH + length;
        byte[] packet = ip.allocate(source, destination, protocol(version), messageLength);
        int m = IpPacketBuilder.headerLength(source);
        packet[m] = (byte) type;
        packet[m + 1] = (byte) code;
        putU32(packet, m + 4, typeSpecific);
        System.arraycopy(body, offset, packet, m + HEADER_LENGTH, length);
        putU16(packet, m + 2, Checksum.finish(sum(version, source, destination, packet, m, messageLength)));
        return packet;
    }

    private static int sum(int version, byte[] source, byte[] destination, byte[] b, int off, int len) {
        int acc = version == 4 ? 0 : Checksum.pseudoHeader(source, destination, IpProtocol.ICMPV6, len);
        return Checksum.add(acc, b, off, len);
    }
}
