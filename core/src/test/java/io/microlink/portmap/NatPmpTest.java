package io.microlink.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Known answers written byte by byte from the layouts of RFC 6886 §3.2-§3.5. */
class NatPmpTest {
    private static final HexFormat HEX = HexFormat.of();

    private static NatPmp.Response decode(String hex) throws PortMapProtocolException {
        byte[] b = HEX.parseHex(hex);
        return NatPmp.decode(b, 0, b.length);
    }

    @Test
    void requestsFollowTheRfcLayout() {
        assertThat(HEX.formatHex(NatPmp.externalAddressRequest())).isEqualTo("0000");
        // version 0, opcode 1 (UDP), reserved, internal 41641 (0xa2a9), suggested 41641, lifetime 7200 (0x1c20)
        assertThat(HEX.formatHex(NatPmp.mappingRequest(true, 41641, 41641, 7200))).isEqualTo("00010000a2a9a2a900001c20");
        // opcode 2 (TCP), no suggested port, lifetime 0: delete (§3.4)
        assertThat(HEX.formatHex(NatPmp.mappingRequest(false, 80, 0, 0))).isEqualTo("000200000050000000000000");
        assertThatThrownBy(() -> NatPmp.mappingRequest(true, 0, 0, 60)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NatPmp.mappingRequest(true, 1, 0, 1L << 32)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anExternalAddressAnswer() throws Exception {
        // version 0, opcode 128, result 0, epoch 1234 (0x4d2), 203.0.113.2
        assertThat(decode("008000000000 04d2 cb007102".replace(" ", "")))
                .isEqualTo(new NatPmp.ExternalAddress(0, 1234, (java.net.Inet4Address) InetAddress.ofLiteral("203.0.113.2")));
    }

    @Test
    void aMappingAnswer() throws Exception {
        // opcode 129 (UDP), result 0, epoch 0x01020304, internal 41641, external 60000 (0xea60), lifetime 7200
        assertThat(decode("00810000 01020304 a2a9 ea60 00001c20".replace(" ", "")))
                .isEqualTo(new NatPmp.Mapping(0, 0x01020304L, true, 41641, 60000, 7200));
        // opcode 130 (TCP), an epoch and lifetime past 2^31 stay positive
        assertThat(decode("00820000 ffffffff 0050 0050 fffffffe".replace(" ", "")))
                .isEqualTo(new NatPmp.Mapping(0, 0xFFFFFFFFL, false, 80, 80, 0xFFFFFFFEL));
    }

    @Test
    void aRefusalMayBeShort() throws Exception {
        // result 2: not authorized; a gateway may send only the first 8 bytes of an error (§3.5)
        NatPmp.Response r = decode("0081000200000010");
        assertThat(r.result()).isEqualTo(2);
        assertThat(r.epochSeconds()).isEqualTo(16);
        assertThat(NatPmp.describe(r.result())).contains("not authorized");
        assertThat(decode("0080000300000010000000").result()).isEqualTo(3);
    }

    @Test
    void trailingBytesAreIgnored() throws Exception {
        assertThat(decode("00810000 00000001 a2a9 ea60 00000e10 deadbeef".replace(" ", "")))
                .isEqualTo(new NatPmp.Mapping(0, 1, true, 41641, 60000, 3600));
    }

    @Test
    void whatIsNoResponseIsRefused() {
        assertThatThrownBy(() -> decode("0081")).isInstanceOf(PortMapProtocolException.class).hasMessageContaining("2 bytes");
        assertThatThrownBy(() -> decode("02810000000000000000000000000000")).hasMessageContaining("version 2");
        assertThatThrownBy(() -> decode("000100000000000000000000")).hasMessageContaining("a NAT-PMP request");
        assertThatThrownBy(() -> decode("00830000000000000000000000000000")).hasMessageContaining("unknown opcode 3");
        assertThatThrownBy(() -> decode("00810000000000010000")).hasMessageContaining("it has 16");
        assertThatThrownBy(() -> decode("008000000000000100")).hasMessageContaining("it has 12");
    }

    @Test
    void whatMiniupnpdAnswered() throws Exception {
        // Debian's miniupnpd 2.3.1 at epoch 3: its external address 198.0.0.7, a UDP mapping of
        // 41642 for 7200 s, and the same for TCP, which is no answer to a UDP request
        assertThat(decode("0080000000000003c6000007")).isEqualTo(new NatPmp.ExternalAddress(0, 3,
                (java.net.Inet4Address) InetAddress.ofLiteral("198.0.0.7")));
        byte[] udp = HEX.parseHex("0081000000000003a2aaa2aa00001c20");
        assertThat(NatPmpClient.udpMapping(udp, 0, udp.length, 41642))
                .isEqualTo(new NatPmp.Mapping(0, 3, true, 41642, 41642, 7200));
        byte[] tcp = HEX.parseHex("0082000000000003a2aaa2aa00001c20");
        assertThat(NatPmpClient.udpMapping(tcp, 0, tcp.length, 41642)).isNull();
        assertThat(NatPmpClient.udpMapping(udp, 0, udp.length, 41641)).as("another port's").isNull();
    }
}
