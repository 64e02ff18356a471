package io.microlink.netstack.ip;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts IPv4 or IPv6 headers on packets we originate; the family follows the source address
 * length. Owns the IPv4 identification counter, so one instance serves a whole stack.
 *
 * <pre>{@code
 * IpPacketBuilder ip = new IpPacketBuilder(new SecureRandom().nextInt());
 * byte[] packet = ip.allocate(src, dst, IpProtocol.UDP, udpLength);
 * int udpOffset = IpPacketBuilder.headerLength(src);
 * // write the UDP header and data at udpOffset
 * }</pre>
 */
public final class IpPacketBuilder {
    /** The longest header {@link #writeHeader} writes: IPv6's 40 bytes. */
    public static final int MAX_HEADER_LENGTH = Ipv6Header.LENGTH;
    private final AtomicInteger nextIdentification;

    /**
     * Writes IP headers, numbering IPv4 packets from {@code firstIdentification} on.
     *
     * @param firstIdentification the IPv4 identification of the first packet; a random start keeps IDs unpredictable
     */
    public IpPacketBuilder(int firstIdentification) {
        this.nextIdentification = new AtomicInteger(firstIdentification);
    }

    /**
     * The length of the header we write in front of a payload from {@code source}: 20 or 40 bytes.
     *
     * @param source the source address, 4 or 16 bytes
     * @return the header length
     */
    public static int headerLength(byte[] source) {
        return switch (source.length) {
            case 4 -> Ipv4Header.LENGTH;
            case 16 -> Ipv6Header.LENGTH;
            default -> throw new IllegalArgumentException("not an IP address: " + source.length + " bytes");
        };
    }

    /**
     * A new packet of header plus {@code payloadLength} zero bytes, with the header written; the
     * caller fills in the payload at {@link #headerLength(byte[])}.
     *
     * @param source the source address, 4 or 16 bytes (which picks IPv4 or IPv6)
     * @param destination the destination address, of the same family
     * @param protocol the payload's IP protocol number
     * @param payloadLength the payload's length
     * @return the packet
     */
    public byte[] allocate(byte[] source, byte[] destination, int protocol, int payloadLength) {
        byte[] packet = new byte[headerLength(source) + payloadLength];
        writeHeader(packet, 0, source, destination, protocol, payloadLength);
        return packet;
    }

    /**
     * Writes the header at {@code packet[offset]} for a payload that follows it, for callers that reuse buffers.
     *
     * @param packet the buffer
     * @param offset where the header goes
     * @param source the source address, 4 or 16 bytes (which picks IPv4 or IPv6)
     * @param destination the destination address, of the same family
     * @param protocol the payload's IP protocol number
     * @param payloadLength the payload's length
     */
    public void writeHeader(byte[] packet, int offset, byte[] source, byte[] destination, int protocol, int payloadLength) {
        if (source.length != destination.length) {
            throw new IllegalArgumentException("source and destination of different families");
        }
        if (headerLength(source) == Ipv4Header.LENGTH) {
            Ipv4Header.write(packet, offset, source, destination, protocol, payloadLength, nextIdentification.getAndIncrement());
        } else {
            Ipv6Header.write(packet, offset, source, destination, protocol, payloadLength);
        }
    }
}
