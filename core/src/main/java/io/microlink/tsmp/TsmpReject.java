package io.microlink.tsmp;

import static io.microlink.netstack.NetworkOrder.u16;

import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpProtocol;
import io.microlink.netstack.tcp.TcpSegment;
import java.util.Optional;

/**
 * The TSMP "connection rejected" notice ({@code '!'}) tailscale sends back for an IPv4 TCP SYN
 * its packet filter dropped, so the peer's {@code tailscale} CLI and GUI can say "blocked by ACL"
 * instead of timing out. Layout as {@code packet.TailscaleRejectedHeader.Marshal}: the IPv4
 * header of {@link TsmpIpv4Header} (ID 0) from the address the SYN was sent to, then {@code '!'},
 * the protocol, the reason {@code 'A'} (ACL), the SYN's source port and destination port.
 *
 * <pre>{@code
 * if (!firewall.inbound(packet, 0, n).accepted()) {
 *     TsmpReject.forDroppedSyn(packet, 0, n).ifPresent(reject -> sendToPeer(reject));
 * }
 * }</pre>
 */
public final class TsmpReject {
    private static final byte REJECTED_CONNECTION = '!';
    private static final byte REASON_ACL = 'A';
    private static final int BODY_LENGTH = 1 + 1 + 1 + 2 + 2;

    private TsmpReject() {}

    /**
     * The rejection for the dropped packet in {@code packet[offset, offset + length)}, or empty
     * unless it is an IPv4 TCP segment with SYN set (tailscale tells IPv6 peers nothing).
     */
    public static Optional<byte[]> forDroppedSyn(byte[] packet, int offset, int length) {
        IpPacket p;
        try {
            p = IpPacket.parse(packet, offset, length);
        } catch (MalformedPacketException e) {
            return Optional.empty();
        }
        if (p.version() != 4 || p.protocol() != IpProtocol.TCP || p.fragmentOffset() != 0
                || p.payloadLength() < TcpSegment.MIN_HEADER_LENGTH) {
            return Optional.empty();
        }
        int t = p.payloadOffset();
        if ((packet[t + 13] & TcpSegment.SYN) == 0) {
            return Optional.empty();
        }
        return Optional.of(TsmpIpv4Header.finish(
                TsmpIpv4Header.start(TsmpIpv4Header.LENGTH + BODY_LENGTH, (short) 0, p.destination(), p.source())
                        .put(REJECTED_CONNECTION).put((byte) IpProtocol.TCP).put(REASON_ACL)
                        .putShort((short) u16(packet, t)).putShort((short) u16(packet, t + 2))));
    }
}
