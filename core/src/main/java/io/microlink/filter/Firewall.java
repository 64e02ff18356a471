package io.microlink.filter;

import static io.microlink.netstack.NetworkOrder.u16;

import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.ip.IpHeader;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpProtocol;

/**
 * The tailnet packet filter between WireGuard and the netstack, sans I/O: judges every decrypted
 * inbound packet against the current {@link PacketFilter} and remembers outbound UDP and SCTP
 * flows so their replies get in. Before the first {@link #install} it drops everything but TSMP
 * control messages. Thread-safe: inbound and outbound may run on different threads, and a new
 * netmap's filter replaces the old one without forgetting the flows.
 *
 * <pre>{@code
 * Firewall firewall = new Firewall();
 * firewall.install(PacketFilter.from(netmap));
 * firewall.outbound(packet, 0, length);               // before encrypting; always allowed
 * Verdict v = firewall.inbound(packet, 0, length);    // after decrypting
 * if (!v.accepted()) {
 *     TsmpReject.forDroppedSyn(packet, 0, length).ifPresent(reject -> sendToPeer(reject));
 * }
 * }</pre>
 */
public final class Firewall {
    private static final byte TSMP_PING = 'p';
    private static final byte TSMP_PONG = 'o';
    private static final byte TSMP_DISCO_ADVERTISEMENT = 'a';

    private final FlowTable flows = new FlowTable();
    private volatile PacketFilter filter;

    /** Replaces the rules, as each netmap arrives; recorded flows stay. */
    public void install(PacketFilter newFilter) {
        this.filter = newFilter;
    }

    /** Judges the decrypted packet in {@code packet[offset, offset + length)}; never throws on its content. */
    public Verdict inbound(byte[] packet, int offset, int length) {
        if (length == 0) {
            return Verdict.EMPTY;
        }
        try {
            return inbound(IpPacket.parse(packet, offset, length));
        } catch (MalformedPacketException e) {
            return Verdict.MALFORMED;
        }
    }

    /** Judges a packet the caller has parsed already, so the netstack can take the same parse. */
    public Verdict inbound(IpPacket p) {
        if (isTsmpControl(p)) {
            return Verdict.TSMP_CONTROL;
        }
        PacketFilter current = filter;
        return current == null ? Verdict.NO_NETMAP : InboundCheck.check(p, current, flows);
    }

    /** Notes an outbound packet before it is encrypted: a UDP or SCTP flow's replies will be let in. */
    public void outbound(byte[] packet, int offset, int length) {
        int first = IpHeader.protocol(packet, offset, length);
        if (first == IpProtocol.TCP || first == IpProtocol.ICMP || first == IpProtocol.ICMPV6) {
            return; // the bulk of what the netstack sends: no parse for a flow that records nothing
        }
        IpPacket p;
        try {
            p = IpPacket.parse(packet, offset, length);
        } catch (MalformedPacketException e) {
            return;
        }
        boolean portsReadable = p.fragmentOffset() == 0 && p.payloadLength() >= 4;
        if ((p.protocol() == IpProtocol.UDP || p.protocol() == IpProtocol.SCTP) && portsReadable) {
            byte[] b = p.buffer();
            int t = p.payloadOffset();
            flows.recordOutbound(p.protocol(), p.source(), u16(b, t), p.destination(), u16(b, t + 2));
        }
    }

    /** TSMP pings, pongs and key advertisements are answered or consumed by the node itself, ahead of any rule. */
    private static boolean isTsmpControl(IpPacket p) {
        if (p.protocol() != IpProtocol.TSMP || p.isFragment() || p.payloadLength() < 1) {
            return false;
        }
        byte type = p.buffer()[p.payloadOffset()];
        return type == TSMP_PING || type == TSMP_PONG || type == TSMP_DISCO_ADVERTISEMENT;
    }
}
