package io.microlink.netstack.ip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IpHeaderTest {
    private static final byte[] V4_SRC = {100, 64, 0, 1};
    private static final byte[] V4_DST = {100, 100, 100, 100};

    /** A packet from {@code src} to {@code dst} with an empty payload of {@code payload} bytes. */
    private static byte[] packet(byte[] src, byte[] dst, int protocol, int payload) {
        return new IpPacketBuilder(1).allocate(src, dst, protocol, payload);
    }

    private static byte[] v4(int protocol) {
        return packet(V4_SRC, V4_DST, protocol, 8);
    }

    @Test
    void readsVersionProtocolAndDestinationOfBothFamilies() throws Exception {
        byte[] p = v4(IpProtocol.UDP);
        assertThat(IpHeader.version(p, 0, p.length)).isEqualTo(4);
        assertThat(IpHeader.protocol(p, 0, p.length)).isEqualTo(IpProtocol.UDP);
        assertThat(IpHeader.destinationIs(p, 0, p.length, V4_DST)).isTrue();
        assertThat(IpHeader.destinationIs(p, 0, p.length, V4_SRC)).isFalse();

        byte[] src6 = InetAddress.getByName("fd7a:115c:a1e0::1").getAddress();
        byte[] dst6 = InetAddress.getByName("fd7a:115c:a1e0::53").getAddress();
        byte[] q = packet(src6, dst6, IpProtocol.TCP, 20);
        assertThat(IpHeader.version(q, 0, q.length)).isEqualTo(6);
        assertThat(IpHeader.protocol(q, 0, q.length)).isEqualTo(IpProtocol.TCP);
        assertThat(IpHeader.destinationIs(q, 0, q.length, dst6)).isTrue();
        assertThat(IpHeader.destinationIs(q, 0, q.length, V4_DST)).as("another family").isFalse();
    }

    @Test
    void truncatedOrForeignBytesAnswerNoWithoutThrowing() {
        byte[] p = v4(IpProtocol.UDP);
        for (int len = 0; len < 20; len++) {
            assertThat(IpHeader.version(p, 0, len)).isZero();
            assertThat(IpHeader.protocol(p, 0, len)).isEqualTo(-1);
            assertThat(IpHeader.destinationIs(p, 0, len, V4_DST)).isFalse();
        }
        byte[] shortV6 = new byte[39];
        shortV6[0] = 0x60;
        assertThat(IpHeader.version(shortV6, 0, shortV6.length)).isZero();
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            IpHeader.version(junk, 0, junk.length);
            IpHeader.protocol(junk, 0, junk.length);
            IpHeader.destinationIs(junk, 0, junk.length, V4_DST);
        }
    }
}
