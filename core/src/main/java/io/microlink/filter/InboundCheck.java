package io.microlink.filter;

import static io.microlink.netstack.NetworkOrder.u16;

import io.microlink.netstack.icmp.Icmp;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpProtocol;
import io.microlink.netstack.tcp.TcpSegment;
import io.microlink.netstack.udp.UdpDatagram;

/**
 * The steps of tailscale's {@code filter.RunIn} after TSMP control messages and the netmap
 * check, in its order: {@code pre} (protocol, multicast, link-local, fragments), then the
 * destination, then per protocol.
 *
 * <p>Ports and flags are read straight from their fixed offsets, as tailscale's filter reads
 * them: checksums and options are the netstack's business once the packet is let in, and
 * checking them here would double the per-packet work.
 *
 * <pre>{@code
 * Verdict v = InboundCheck.check(IpPacket.parse(b, 0, n), filter, flows);
 * }</pre>
 */
final class InboundCheck {
    /** tailscale's {@code minFragBlks}: a largest IPv4 header plus a basic TCP header. */
    static final int MIN_FRAGMENT_OFFSET = 60 + 20;
    private static final int TCP_SYN_ACK = TcpSegment.SYN | TcpSegment.ACK;

    private InboundCheck() {}

    static Verdict check(IpPacket p, PacketFilter filter, FlowTable flows) {
        int protocol = p.protocol();
        byte[] src = p.source();
        byte[] dst = p.destination();
        boolean laterFragment = p.fragmentOffset() != 0;
        if (protocol == 0 || protocol == 0xff) {
            // tailscale's parser uses these two numbers for "unknown" and "fragment".
            return Verdict.UNKNOWN_PROTOCOL;
        }
        if (laterFragment ? p.fragmentOffset() < MIN_FRAGMENT_OFFSET : p.payloadLength() < minimumHeader(p)) {
            return laterFragment ? Verdict.TINY_FRAGMENT : Verdict.UNKNOWN_PROTOCOL;
        }
        if (SpecialAddresses.isMulticast(dst)) {
            return Verdict.MULTICAST;
        }
        if (SpecialAddresses.isLinkLocal(dst)) {
            return Verdict.LINK_LOCAL;
        }
        if (laterFragment) {
            return Verdict.FRAGMENT;
        }
        if (!filter.isLocal(dst)) {
            return Verdict.NOT_LOCAL;
        }
        if (protocol == Icmp.protocol(p.version())) {
            return isIcmpReply(p) ? Verdict.ICMP_REPLY : filter.allowsAddresses(src, dst) ? Verdict.ICMP_ALLOWED : Verdict.NO_RULE;
        }
        byte[] b = p.buffer();
        int t = p.payloadOffset();
        return switch (protocol) {
            case IpProtocol.TCP -> (b[t + 13] & TCP_SYN_ACK) != TcpSegment.SYN ? Verdict.TCP_NON_SYN : byRule(p, filter);
            case IpProtocol.UDP, IpProtocol.SCTP ->
                    flows.isReply(protocol, src, u16(b, t), dst, u16(b, t + 2)) ? Verdict.FLOW_REPLY : byRule(p, filter);
            case IpProtocol.TSMP -> Verdict.TSMP;
            default -> filter.allowsAllPorts(protocol, src, dst) ? Verdict.PROTOCOL_ALLOWED : Verdict.NO_RULE;
        };
    }

    private static Verdict byRule(IpPacket p, PacketFilter filter) {
        int port = u16(p.buffer(), p.payloadOffset() + 2);
        return filter.allows(p.protocol(), p.source(), p.destination(), port) ? Verdict.PORT_ALLOWED : Verdict.NO_RULE;
    }

    /**
     * The transport bytes tailscale's parser needs before it will name the protocol; a first
     * fragment of TSMP is refused outright, since TSMP is never fragmented.
     */
    private static int minimumHeader(IpPacket p) {
        if (p.protocol() == Icmp.protocol(p.version())) {
            return 4; // type, code and checksum
        }
        return switch (p.protocol()) {
            case IpProtocol.TCP -> TcpSegment.MIN_HEADER_LENGTH;
            case IpProtocol.UDP -> UdpDatagram.HEADER_LENGTH;
            case IpProtocol.SCTP -> 12;
            case IpProtocol.TSMP -> p.moreFragments() ? Integer.MAX_VALUE : 7;
            case IpProtocol.IGMP -> p.version() == 4 ? 8 : 0;
            default -> 0;
        };
    }

    /**
     * Echo replies and error messages answer something we sent. ICMPv4 parameter problem is
     * type 12 (RFC 792); tailscale tests for 0x12 instead, so it admits type 18 and filters 12.
     */
    private static boolean isIcmpReply(IpPacket p) {
        if (p.payloadLength() < Icmp.HEADER_LENGTH) {
            return false;
        }
        int type = p.buffer()[p.payloadOffset()] & 0xff;
        int code = p.buffer()[p.payloadOffset() + 1] & 0xff;
        if (p.version() == 4) {
            return (type == Icmp.V4_ECHO_REPLY && code == 0) || type == Icmp.V4_DESTINATION_UNREACHABLE
                    || type == Icmp.V4_TIME_EXCEEDED || type == Icmp.V4_PARAMETER_PROBLEM;
        }
        return (type == Icmp.V6_ECHO_REPLY && code == 0) || type == Icmp.V6_DESTINATION_UNREACHABLE
                || type == Icmp.V6_PACKET_TOO_BIG || type == Icmp.V6_TIME_EXCEEDED || type == Icmp.V6_PARAMETER_PROBLEM;
    }
}
