package io.microlink.tsmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.Checksum;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TsmpResponderTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void theInternetChecksumMatchesTheTextbookHeader() {
        // The IPv4 header of RFC 1071's usual worked example (checksum field zeroed): b861.
        byte[] header = HEX.parseHex("450000730000400040110000c0a80001c0a800c7");
        assertThat(Checksum.finish(Checksum.add(0, header, 0, 20)) & 0xFFFF).isEqualTo(0xB861);
    }

    @Test
    void anIpv4PingGetsAPongBackToThePinger() {
        byte[] ping = ByteBuffer.allocate(29).put((byte) 0x45).put((byte) 0).putShort((short) 29).putShort((short) 0x1234)
                .putShort((short) 0).put((byte) 64).put((byte) 99).putShort((short) 0)
                .put(new byte[] {100, 64, 0, 1}).put(new byte[] {100, 64, 0, 2})
                .put((byte) 'p').put("12345678".getBytes()).array();
        byte[] pong = TsmpResponder.pong(ping, 0, ping.length).orElseThrow();

        assertThat(pong).hasSize(31);
        assertThat(ByteBuffer.wrap(pong, 4, 2).getShort()).isEqualTo((short) ~0x1234);
        assertThat(pong[9]).isEqualTo((byte) 99);
        assertThat(java.util.Arrays.copyOfRange(pong, 12, 16)).containsExactly(100, 64, 0, 2);
        assertThat(java.util.Arrays.copyOfRange(pong, 16, 20)).containsExactly(100, 64, 0, 1);
        assertThat(pong[20]).isEqualTo((byte) 'o');
        assertThat(new String(pong, 21, 8)).isEqualTo("12345678");
        assertThat(Checksum.verifies(Checksum.add(0, pong, 0, 20))).as("a valid header verifies").isTrue();
    }

    @Test
    void anIpv6PingIsAnsweredAndEverythingElseIgnored() {
        byte[] ping6 = ByteBuffer.allocate(49).putInt(0x60000000).putShort((short) 9).put((byte) 99).put((byte) 64)
                .put(new byte[16]).put(new byte[15]).put((byte) 1).put((byte) 'p').put(new byte[8]).array();
        byte[] pong6 = TsmpResponder.pong(ping6, 0, ping6.length).orElseThrow();
        assertThat(pong6[40]).isEqualTo((byte) 'o');
        assertThat(pong6[23]).isEqualTo((byte) 1); // source = the address pinged
        byte[] udp = ping6.clone();
        udp[6] = 17;
        assertThat(TsmpResponder.pong(udp, 0, udp.length)).isEmpty();
        assertThat(TsmpResponder.pong(new byte[0], 0, 0)).isEmpty();
    }
}
