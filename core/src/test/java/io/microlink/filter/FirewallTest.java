package io.microlink.filter;

import static io.microlink.filter.Packets.PEER4;
import static io.microlink.filter.Packets.PEER6;
import static io.microlink.filter.Packets.US4;
import static io.microlink.filter.Packets.US6;
import static io.microlink.filter.Packets.fragment4;
import static io.microlink.filter.Packets.icmp;
import static io.microlink.filter.Packets.ip;
import static io.microlink.filter.Packets.tcp;
import static io.microlink.filter.Packets.udp;
import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.wire.FilterRule;
import io.microlink.control.wire.FilterRule.NetPortRange;
import io.microlink.control.wire.FilterRule.PortRange;
import io.microlink.netstack.ip.IpProtocol;
import io.microlink.netstack.tcp.TcpSegment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each step of the inbound decision, with the reason it gives. */
class FirewallTest {
    private static final List<String> LOCAL = List.of(US4 + "/32", US6 + "/128");
    private static final FilterRule SSH_FROM_PEER = new FilterRule(List.of(PEER4, PEER6),
            List.of(new NetPortRange("*", new PortRange(22, 22))), null);

    private final Firewall firewall = new Firewall();

    private Verdict in(byte[] packet) {
        return firewall.inbound(packet, 0, packet.length);
    }

    private void install(FilterRule... rules) {
        firewall.install(PacketFilter.of(List.of(rules), LOCAL));
    }

    private static byte[] tsmp(String src, String dst, char type) {
        return ip(src, dst, IpProtocol.TSMP, new byte[] {(byte) type, 1, 2, 3, 4, 5, 6, 7, 8});
    }

    @Test
    void dropsEverythingBeforeTheFirstNetmapExceptTsmpControl() {
        assertThat(in(tcp(PEER4, US4, 40000, 22, TcpSegment.ACK))).isEqualTo(Verdict.NO_NETMAP);
        assertThat(in(tsmp(PEER4, US4, 'p'))).isEqualTo(Verdict.TSMP_CONTROL);
    }

    @Test
    void tsmpControlComesBeforeEveryRule() {
        install();

        assertThat(in(tsmp(PEER4, US4, 'p'))).isEqualTo(Verdict.TSMP_CONTROL);
        assertThat(in(tsmp(PEER6, US6, 'o'))).isEqualTo(Verdict.TSMP_CONTROL);
        assertThat(in(tsmp(PEER4, "100.64.0.9", 'a'))).as("even not for us").isEqualTo(Verdict.TSMP_CONTROL);
        assertThat(in(tsmp(PEER4, US4, '!'))).as("a rejection notice is filtered").isEqualTo(Verdict.TSMP);
        assertThat(in(tsmp(PEER4, "100.64.0.9", '!'))).isEqualTo(Verdict.NOT_LOCAL);
    }

    @Test
    void dropsEmptyShortAndUnknownPackets() {
        install(SSH_FROM_PEER);
        byte[] syn = tcp(PEER4, US4, 40000, 22, TcpSegment.SYN);

        assertThat(firewall.inbound(syn, 0, 0)).isEqualTo(Verdict.EMPTY);
        assertThat(firewall.inbound(syn, 0, 19)).isEqualTo(Verdict.MALFORMED);
        assertThat(in(ip(PEER4, US4, 0, new byte[8]))).isEqualTo(Verdict.UNKNOWN_PROTOCOL);
        assertThat(in(ip(PEER4, US4, IpProtocol.TCP, new byte[19]))).isEqualTo(Verdict.UNKNOWN_PROTOCOL);
        assertThat(in(ip(PEER4, US4, IpProtocol.UDP, new byte[7]))).isEqualTo(Verdict.UNKNOWN_PROTOCOL);
    }

    @Test
    void dropsMulticastAndLinkLocalDestinations() {
        install(new FilterRule(List.of("*"), List.of(new NetPortRange("*", new PortRange(0, 65535))), null));

        assertThat(in(udp(PEER4, "239.1.2.3", 5353, 5353))).isEqualTo(Verdict.MULTICAST);
        assertThat(in(udp(PEER6, "ff02::fb", 5353, 5353))).isEqualTo(Verdict.MULTICAST);
        assertThat(in(udp(PEER4, "169.254.169.254", 53, 53))).isEqualTo(Verdict.LINK_LOCAL);
        assertThat(in(udp(PEER6, "febf::1", 53, 53))).isEqualTo(Verdict.LINK_LOCAL);
    }

    @Test
    void acceptsLaterFragmentsButNotTinyOnes() {
        install();
        byte[] data = new byte[64];

        assertThat(in(fragment4(PEER4, US4, IpProtocol.UDP, 10, data))).isEqualTo(Verdict.FRAGMENT);
        assertThat(in(fragment4(PEER4, US4, IpProtocol.UDP, 9, data))).isEqualTo(Verdict.TINY_FRAGMENT);
        byte[] udpHeader = Arrays.copyOfRange(udp(PEER4, US4, 40000, 22), 20, 28);
        assertThat(in(fragment4(PEER4, US4, IpProtocol.UDP, 0x2000, udpHeader)))
                .as("the first fragment carries the ports, so it is filtered").isEqualTo(Verdict.NO_RULE);
    }

    @Test
    void dropsWhatIsNotForOurAddresses() {
        install(new FilterRule(List.of("*"), List.of(new NetPortRange("*", new PortRange(0, 65535))), null));

        assertThat(in(tcp(PEER4, "100.64.0.9", 40000, 22, TcpSegment.SYN))).isEqualTo(Verdict.NOT_LOCAL);
        assertThat(in(tcp(PEER6, "fd7a:115c:a1e0::9", 40000, 22, TcpSegment.ACK))).isEqualTo(Verdict.NOT_LOCAL);
    }

    @Test
    void icmpRepliesAlwaysAndRequestsByAddressesOnly() {
        install(SSH_FROM_PEER);

        assertThat(in(icmp("100.64.2.1", US4, 0, 0))).isEqualTo(Verdict.ICMP_REPLY);
        assertThat(in(icmp("100.64.2.1", US4, 3, 1))).isEqualTo(Verdict.ICMP_REPLY);
        assertThat(in(icmp("100.64.2.1", US4, 12, 0))).isEqualTo(Verdict.ICMP_REPLY);
        assertThat(in(icmp("fd7a:115c:a1e0::9", US6, 2, 0))).isEqualTo(Verdict.ICMP_REPLY);
        assertThat(in(icmp(PEER4, US4, 8, 0))).as("a TCP/22 rule lets the peer ping").isEqualTo(Verdict.ICMP_ALLOWED);
        assertThat(in(icmp(PEER6, US6, 128, 0))).isEqualTo(Verdict.ICMP_ALLOWED);
        assertThat(in(icmp("100.64.2.1", US4, 8, 0))).isEqualTo(Verdict.NO_RULE);
    }

    @Test
    void tcpIsStatelessExceptForSyn() {
        install(SSH_FROM_PEER);

        assertThat(in(tcp("100.64.2.1", US4, 80, 40000, TcpSegment.ACK))).isEqualTo(Verdict.TCP_NON_SYN);
        assertThat(in(tcp("100.64.2.1", US4, 80, 40000, TcpSegment.SYN | TcpSegment.ACK))).isEqualTo(Verdict.TCP_NON_SYN);
        assertThat(in(tcp(PEER4, US4, 40000, 22, TcpSegment.SYN))).isEqualTo(Verdict.PORT_ALLOWED);
        assertThat(in(tcp(PEER6, US6, 40000, 22, TcpSegment.SYN))).isEqualTo(Verdict.PORT_ALLOWED);
        assertThat(in(tcp(PEER4, US4, 40000, 23, TcpSegment.SYN))).isEqualTo(Verdict.NO_RULE);
        assertThat(in(tcp("100.64.2.1", US4, 40000, 22, TcpSegment.SYN))).isEqualTo(Verdict.NO_RULE);
    }

    @Test
    void udpByRuleOrAsAReplyToOurFlow() {
        install(new FilterRule(List.of(PEER4), List.of(new NetPortRange(US4, new PortRange(5000, 6000))), List.of(IpProtocol.UDP)));

        assertThat(in(udp(PEER4, US4, 40000, 6000))).isEqualTo(Verdict.PORT_ALLOWED);
        assertThat(in(udp(PEER4, US4, 40000, 6001))).isEqualTo(Verdict.NO_RULE);
        assertThat(in(tcp(PEER4, US4, 40000, 5000, TcpSegment.SYN))).as("rule names UDP only").isEqualTo(Verdict.NO_RULE);

        byte[] query = udp(US6, "fd7a:115c:a1e0::9", 41000, 53);
        firewall.outbound(query, 0, query.length);

        assertThat(in(udp("fd7a:115c:a1e0::9", US6, 53, 41000))).isEqualTo(Verdict.FLOW_REPLY);
        assertThat(in(udp("fd7a:115c:a1e0::9", US6, 53, 41001))).isEqualTo(Verdict.NO_RULE);
    }

    @Test
    void aNewNetmapKeepsTheFlows() {
        install();
        byte[] query = udp(US4, "100.64.2.1", 41000, 53);
        firewall.outbound(query, 0, query.length);

        install(SSH_FROM_PEER);

        assertThat(in(udp("100.64.2.1", US4, 53, 41000))).isEqualTo(Verdict.FLOW_REPLY);
        assertThat(in(tcp(PEER4, US4, 40000, 22, TcpSegment.SYN))).isEqualTo(Verdict.PORT_ALLOWED);
    }

    @Test
    void otherProtocolsNeedEveryPortOpen() {
        install(new FilterRule(List.of("*"), List.of(new NetPortRange(US4, new PortRange(0, 65535))), List.of(47)),
                new FilterRule(List.of("*"), List.of(new NetPortRange(US4, new PortRange(1, 65535))), List.of(50)));

        assertThat(in(ip(PEER4, US4, 47, new byte[8]))).isEqualTo(Verdict.PROTOCOL_ALLOWED);
        assertThat(in(ip(PEER4, US4, 50, new byte[8]))).isEqualTo(Verdict.NO_RULE);
        assertThat(in(ip(PEER4, US4, 4, new byte[8]))).isEqualTo(Verdict.NO_RULE);
    }

    @Test
    void rulesThatCannotMatchAdmitNothing() {
        install(new FilterRule(List.of("cap:tailscale.com/cap/test"), List.of(new NetPortRange("*", new PortRange(0, 65535))), null),
                new FilterRule(List.of("*"), null, null),
                new FilterRule(List.of("*"), List.of(new NetPortRange("*", new PortRange(0, 65535))), List.of(256, -1)));

        assertThat(in(tcp(PEER4, US4, 40000, 22, TcpSegment.SYN))).isEqualTo(Verdict.NO_RULE);
        assertThat(in(icmp(PEER4, US4, 8, 0))).as("ICMP ignores the protocol list").isEqualTo(Verdict.ICMP_ALLOWED);
    }
}
