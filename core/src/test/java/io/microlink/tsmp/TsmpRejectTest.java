package io.microlink.tsmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.Checksum;
import io.microlink.netstack.NetworkOrder;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.ip.IpProtocol;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The byte-exact layout is checked against tailscale in filter.FilterVectorsTest; here, when there is none. */
class TsmpRejectTest {
    private static byte[] tcp(String src, String dst, int flags) {
        byte[] s = InetAddress.ofLiteral(src).getAddress();
        byte[] packet = new IpPacketBuilder(7).allocate(s, InetAddress.ofLiteral(dst).getAddress(), IpProtocol.TCP, 20);
        int t = IpPacketBuilder.headerLength(s);
        packet[t + 1] = 80;
        packet[t + 3] = 22;
        packet[t + 12] = 5 << 4;
        packet[t + 13] = (byte) flags;
        return packet;
    }

    @Test
    void rejectsAnIpv4SynFromTheAddressItWasSentTo() {
        byte[] syn = tcp("100.64.0.2", "100.64.0.1", 0x02);

        byte[] reject = TsmpReject.forDroppedSyn(syn, 0, syn.length).orElseThrow();

        assertThat(reject).hasSize(27);
        assertThat(reject[9]).isEqualTo((byte) IpProtocol.TSMP);
        assertThat(Checksum.verifies(Checksum.add(0, reject, 0, 20))).isTrue();
        assertThat(new byte[] {reject[12], reject[13], reject[14], reject[15]}).containsExactly(100, 64, 0, 1);
        assertThat(new byte[] {reject[20], reject[21], reject[22], reject[24], reject[26]}).containsExactly('!', 6, 'A', 80, 22);
    }

    @Test
    void nothingForNonSynsIpv6OrOtherProtocols() {
        byte[] ack = tcp("100.64.0.2", "100.64.0.1", 0x10);
        byte[] syn6 = tcp("fd7a:115c:a1e0::2", "fd7a:115c:a1e0::1", 0x02);
        byte[] udp = tcp("100.64.0.2", "100.64.0.1", 0x02);
        udp[9] = IpProtocol.UDP;
        NetworkOrder.putU16(udp, 10, 0);
        NetworkOrder.putU16(udp, 10, Checksum.finish(Checksum.add(0, udp, 0, 20)));

        assertThat(TsmpReject.forDroppedSyn(ack, 0, ack.length)).isEmpty();
        assertThat(TsmpReject.forDroppedSyn(syn6, 0, syn6.length)).isEmpty();
        assertThat(TsmpReject.forDroppedSyn(udp, 0, udp.length)).isEmpty();
    }
}
