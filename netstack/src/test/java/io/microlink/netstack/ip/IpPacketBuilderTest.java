package io.microlink.netstack.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpPacketBuilderTest {
    private static final byte[] V4_A = {100, 64, 0, 1};
    private static final byte[] V4_B = {100, 64, 0, 2};

    @Test
    void ipv4HeadersParseBackWithDontFragmentAndConsecutiveIds() throws Exception {
        IpPacketBuilder ip = new IpPacketBuilder(0xffff);
        byte[] first = ip.allocate(V4_A, V4_B, IpProtocol.TCP, 12);
        byte[] second = ip.allocate(V4_A, V4_B, IpProtocol.TCP, 0);
        IpPacket p = IpPacket.parse(first, 0, first.length);
        assertThat(p.protocol()).isEqualTo(IpProtocol.TCP);
        assertThat(p.hopLimit()).isEqualTo(64);
        assertThat(p.payloadLength()).isEqualTo(12);
        assertThat(p.fragmentId()).isEqualTo(0xffff);
        assertThat(first[6] & 0xff).as("DF").isEqualTo(0x40);
        assertThat(IpPacket.parse(second, 0, second.length).fragmentId()).as("the ID wraps at 16 bits").isZero();
    }

    @Test
    void ipv6HeadersParseBack() throws Exception {
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        a[15] = 5;
        b[0] = (byte) 0xfd;
        byte[] packet = new IpPacketBuilder(0).allocate(a, b, IpProtocol.UDP, 3);
        IpPacket p = IpPacket.parse(packet, 0, packet.length);
        assertThat(p.source()).isEqualTo(a);
        assertThat(p.destination()).isEqualTo(b);
        assertThat(p.payloadOffset()).isEqualTo(40);
        assertThat(p.payloadLength()).isEqualTo(3);
    }

    @Test
    void refusesMixedFamiliesAndOversizedPayloads() {
        IpPacketBuilder ip = new IpPacketBuilder(0);
        assertThatThrownBy(() -> ip.allocate(V4_A, new byte[16], IpProtocol.UDP, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ip.allocate(V4_A, V4_B, IpProtocol.UDP, 65516)).isInstanceOf(IllegalArgumentException.class);
    }
}
