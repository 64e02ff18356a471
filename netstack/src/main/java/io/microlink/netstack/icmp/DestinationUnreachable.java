package io.microlink.netstack.icmp;

import io.microlink.netstack.ip.IpAddresses;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import java.util.Optional;

/**
 * Builds the ICMP "port unreachable" error (v4 type 3 code 3, v6 type 1 code 4) for a packet
 * addressed to us that no socket takes, and the "host unreachable" (v4 code 1) or "address
 * unreachable" (v6 code 3) a router sends for a packet to an address on its own subnet that no
 * host holds (RFC 1812 section 5.2.7.1, RFC 4443 section 3.1). The error quotes as much of the offending packet as
 * keeps it within 576 bytes for IPv4 (RFC 1812 section 4.3.2.3) or 1280 for IPv6 (RFC 4443
 * section 2.4 (c)), and is never sent where RFC 1122 section 3.2.2 and RFC 4443 section 2.4 (e)
 * forbid: in reply to an ICMP error, to a non-first fragment, or to a packet whose source or
 * destination is not a single host, so that errors cannot multiply into storms.
 *
 * <pre>{@code
 * if (noSocketFor(udp.destinationPort())) {
 *     DestinationUnreachable.portUnreachable(ip, packet).ifPresent(tunnel::send);
 * }
 * }</pre>
 */
public final class DestinationUnreachable {
    private static final int V4_MAX_ERROR = 576;
    private static final int V6_MAX_ERROR = 1280;

    private DestinationUnreachable() {}

    /**
     * The error packet for {@code offending} (a validated inbound packet to us), or empty where none may be sent.
     *
     * @param ip builds the IP packet around the ICMP message
     * @param offending the packet nobody listens for
     * @return the ICMP error packet, or empty
     */
    public static Optional<byte[]> portUnreachable(IpPacketBuilder ip, IpPacket offending) {
        return error(ip, offending.destination(), offending, Icmp.V4_PORT_UNREACHABLE, Icmp.V6_PORT_UNREACHABLE);
    }

    /**
     * The error a router sends from {@code router} (its own address, of the offending packet's
     * family) for {@code offending}, a validated packet it would forward to an address no host
     * holds; or empty where none may be sent.
     *
     * @param ip builds the IP packet around the ICMP message
     * @param router the address the error comes from
     * @param offending the packet that cannot be delivered
     * @return the ICMP error packet, or empty
     */
    public static Optional<byte[]> hostUnreachable(IpPacketBuilder ip, byte[] router, IpPacket offending) {
        if (router.length != offending.source().length) {
            throw new IllegalArgumentException("the router's address must be of the offending packet's family");
        }
        return error(ip, router, offending, Icmp.V4_HOST_UNREACHABLE, Icmp.V6_ADDRESS_UNREACHABLE);
    }

    private static Optional<byte[]> error(IpPacketBuilder ip, byte[] from, IpPacket offending, int v4Code, int v6Code) {
        if (offending.fragmentOffset() != 0 || isIcmpError(offending)
                || !IpAddresses.isSingleHost(offending.source()) || !IpAddresses.isSingleHost(offending.destination())) {
            return Optional.empty();
        }
        boolean v4 = offending.version() == 4;
        int room = (v4 ? V4_MAX_ERROR : V6_MAX_ERROR) - IpPacketBuilder.headerLength(offending.source()) - Icmp.HEADER_LENGTH;
        return Optional.of(Icmp.message(ip, from, offending.source(),
                v4 ? Icmp.V4_DESTINATION_UNREACHABLE : Icmp.V6_DESTINATION_UNREACHABLE, v4 ? v4Code : v6Code,
                0, offending.buffer(), offending.offset(), Math.min(offending.length(), room)));
    }

    /**
     * ICMPv4 errors are destination unreachable, source quench, redirect, time exceeded and
     * parameter problem (RFC 1122 section 3.2.2); ICMPv6 errors are the types below 128 (RFC 4443
     * section 2.1). A message too short to have a type counts as an error: when in doubt, stay quiet.
     */
    private static boolean isIcmpError(IpPacket p) {
        if (p.protocol() != Icmp.protocol(p.version())) {
            return false;
        }
        if (p.payloadLength() < 1) {
            return true;
        }
        int type = p.buffer()[p.payloadOffset()] & 0xff;
        return p.version() == 4 ? type == 3 || type == 4 || type == 5 || type == 11 || type == 12 : type < 128;
    }
}
