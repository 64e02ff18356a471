package io.microlink.netstack.udp;

import static io.microlink.netstack.NetworkOrder.putU16;
import static io.microlink.netstack.NetworkOrder.u16;

import io.microlink.netstack.Checksum;
import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.ip.IpProtocol;

/**
 * A UDP datagram (RFC 768): its ports and where its data lies in the packet's buffer. Parsing
 * checks the length and the checksum over the pseudo header; a zero checksum means "none" over
 * IPv4 but is not allowed over IPv6 (RFC 8200 section 8.1).
 *
 * <pre>{@code
 * UdpDatagram in = UdpDatagram.parse(ipPacket);
 * byte[] out = UdpDatagram.packet(ip, ourAddr, peerAddr, 53, in.sourcePort(), answer, 0, answer.length);
 * }</pre>
 *
 * @param sourcePort the source port
 * @param destinationPort the destination port
 * @param buffer the buffer holding the packet
 * @param payloadOffset where the UDP payload starts in {@code buffer}
 * @param payloadLength the payload's length
 */
public record UdpDatagram(int sourcePort, int destinationPort, byte[] buffer, int payloadOffset, int payloadLength) {
    public static final int HEADER_LENGTH = 8;

    /**
     * Parses the UDP datagram in an unfragmented (or reassembled) UDP packet; data past the UDP
     * length within the IP payload is ignored.
     *
     * @param p a UDP packet
     * @return the datagram
     * @throws MalformedPacketException if the lengths are wrong or the checksum fails
     */
    public static UdpDatagram parse(IpPacket p) throws MalformedPacketException {
        if (p.protocol() != IpProtocol.UDP || p.isFragment()) {
            throw new IllegalArgumentException("not a whole UDP packet");
        }
        byte[] b = p.buffer();
        int off = p.payloadOffset();
        if (p.payloadLength() < HEADER_LENGTH) {
            throw new MalformedPacketException("UDP header truncated");
        }
        int length = u16(b, off + 4);
        if (length < HEADER_LENGTH || length > p.payloadLength()) {
            throw new MalformedPacketException("UDP length " + length + " in " + p.payloadLength() + " bytes");
        }
        if (u16(b, off + 6) == 0) {
            if (p.version() == 6) {
                throw new MalformedPacketException("UDP over IPv6 without a checksum");
            }
        } else if (!Checksum.verifies(Checksum.add(Checksum.pseudoHeader(p.source(), p.destination(), IpProtocol.UDP, length), b, off, length))) {
            throw new MalformedPacketException("UDP checksum");
        }
        return new UdpDatagram(u16(b, off), u16(b, off + 2), b, off + HEADER_LENGTH, length - HEADER_LENGTH);
    }

    /**
     * A whole IP packet carrying {@code data[offset, offset + length)} from {@code source}:{@code sourcePort}.
     *
     * @param ip builds the IP header
     * @param source the source address
     * @param destination the destination address
     * @param sourcePort the source port
     * @param destinationPort the destination port
     * @param data the array holding the payload
     * @param offset where it starts
     * @param length its length
     * @return the packet
     */
    public static byte[] packet(IpPacketBuilder ip, byte[] source, byte[] destination, int sourcePort, int destinationPort,
            byte[] data, int offset, int length) {
        int udpLength = HEADER_LENGTH + length;
        if (udpLength > 0xffff) {
            throw new IllegalArgumentException("UDP data too large: " + length);
        }
        byte[] packet = ip.allocate(source, destination, IpProtocol.UDP, udpLength);
        int u = IpPacketBuilder.headerLength(source);
        putU16(packet, u, sourcePort);
        putU16(packet, u + 2, destinationPort);
        putU16(packet, u + 4, udpLength);
        System.arraycopy(data, offset, packet, u + HEADER_LENGTH, length);
        short checksum = Checksum.finish(Checksum.add(Checksum.pseudoHeader(source, destination, IpProtocol.UDP, udpLength), packet, u, udpLength));
        // A computed zero goes out as all ones, since zero in the field means "no checksum".
        putU16(packet, u + 6, checksum == 0 ? 0xffff : checksum);
        return packet;
    }
}
