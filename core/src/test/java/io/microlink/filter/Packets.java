package io.microlink.filter;

import io.microlink.netstack.Checksum;
import io.microlink.netstack.NetworkOrder;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.ip.IpProtocol;
import java.net.InetAddress;

/** Inbound and outbound test packets; transport checksums stay zero, as the filter never reads them. */
final class Packets {
    static final String US4 = "100.64.0.1";
    static final String US6 = "fd7a:115c:a1e0::1";
    static final String PEER4 = "100.64.0.2";
    static final String PEER6 = "fd7a:115c:a1e0::2";

    private static final IpPacketBuilder IP = new IpPacketBuilder(1);

    private Packets() {}

    static byte[] address(String literal) {
        return InetAddress.ofLiteral(literal).getAddress();
    }

    static byte[] ip(String src, String dst, int protocol, byte[] payload) {
        byte[] packet = IP.allocate(address(src), address(dst), protocol, payload.length);
        System.arraycopy(payload, 0, packet, IpPacketBuilder.headerLength(address(src)), payload.length);
        return packet;
    }

    static byte[] tcp(String src, String dst, int srcPort, int dstPort, int flags) {
        byte[] segment = ports(20, srcPort, dstPort);
        segment[12] = 5 << 4;
        segment[13] = (byte) flags;
        return ip(src, dst, IpProtocol.TCP, segment);
    }

    static byte[] udp(String src, String dst, int srcPort, int dstPort) {
        byte[] datagram = ports(8, srcPort, dstPort);
        NetworkOrder.putU16(datagram, 4, 8);
        return ip(src, dst, IpProtocol.UDP, datagram);
    }

    static byte[] icmp(String src, String dst, int type, int code) {
        int protocol = address(src).length == 4 ? IpProtocol.ICMP : IpProtocol.ICMPV6;
        return ip(src, dst, protocol, new byte[] {(byte) type, (byte) code, 0, 0, 0, 1, 0, 1});
    }

    /** An IPv4 packet of {@code protocol} with its fragment field set to {@code flagsAndOffset} (offset in 8-byte blocks). */
    static byte[] fragment4(String src, String dst, int protocol, int flagsAndOffset, byte[] payload) {
        byte[] packet = ip(src, dst, protocol, payload);
        NetworkOrder.putU16(packet, 6, flagsAndOffset);
        NetworkOrder.putU16(packet, 10, 0);
        NetworkOrder.putU16(packet, 10, Checksum.finish(Checksum.add(0, packet, 0, 20)));
        return packet;
    }

    private static byte[] ports(int length, int srcPort, int dstPort) {
        byte[] b = new byte[length];
        NetworkOrder.putU16(b, 0, srcPort);
        NetworkOrder.putU16(b, 2, dstPort);
        return b;
    }
}
