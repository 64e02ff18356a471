package io.microlink.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Known answers written byte by byte from the layouts of RFC 6887 §7.1, §7.2, §11.1 and §14.1. */
class PcpTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Inet4Address CLIENT = (Inet4Address) InetAddress.ofLiteral("192.168.1.23");
    private static final byte[] NONCE = HEX.parseHex("0102030405060708090a0b0c");

    private static Pcp.Response decode(String hex) throws PortMapProtocolException {
        byte[] b = HEX.parseHex(hex.replace(" ", ""));
        return Pcp.decode(b, 0, b.length);
    }

    @Test
    void aMapRequestFollowsTheRfcLayout() {
        // version 2, opcode 1 (MAP), reserved, lifetime 7200 (0x1c20), client ::ffff:192.168.1.23;
        // nonce, protocol 17 (UDP), reserved, internal 41641 (0xa2a9), suggested 41641, external ::ffff:0.0.0.0
        assertThat(HEX.formatHex(Pcp.mapRequest(CLIENT, NONCE, 41641, 41641, 7200))).isEqualTo(
                "02010000" + "00001c20" + "00000000000000000000ffffc0a80117"
                        + "0102030405060708090a0b0c" + "11000000" + "a2a9a2a9" + "00000000000000000000ffff00000000");
        // lifetime 0 deletes (§15), no suggested port
        assertThat(HEX.formatHex(Pcp.mapRequest(CLIENT, NONCE, 80, 0, 0))).startsWith("0201000000000000")
                .contains("0050" + "0000");
        assertThatThrownBy(() -> Pcp.mapRequest(CLIENT, new byte[11], 80, 0, 60)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pcp.mapRequest(CLIENT, NONCE, 0, 0, 60)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAnnounceRequestIsAHeaderWithoutLifetime() {
        assertThat(HEX.formatHex(Pcp.announceRequest(CLIENT)))
                .isEqualTo("02000000" + "00000000" + "00000000000000000000ffffc0a80117");
    }

    @Test
    void aMapAnswer() throws Exception {
        // R bit + MAP (0x81), reserved, result 0, lifetime 7200, epoch 0x01020304, 12 reserved;
        // the nonce echoed, UDP, internal 41641, external 60000 (0xea60) on ::ffff:203.0.113.2
        Pcp.Response r = decode("02810000 00001c20 01020304 000000000000000000000000"
                + "0102030405060708090a0b0c 11000000 a2a9ea60 00000000000000000000ffffcb007102");
        assertThat(r.udpMap()).isTrue();
        assertThat(r.result()).isZero();
        assertThat(r.lifetimeSeconds()).isEqualTo(7200);
        assertThat(r.epochSeconds()).isEqualTo(0x01020304L);
        assertThat(r.nonce()).isEqualTo(NONCE);
        assertThat(r.internalPort()).isEqualTo(41641);
        assertThat(r.externalPort()).isEqualTo(60000);
        assertThat(r.externalAddress()).isEqualTo(InetAddress.ofLiteral("203.0.113.2"));
        assertThat(PcpClient.mapAnswer(HEX.parseHex(("02810000 00001c20 01020304 000000000000000000000000"
                + "0102030405060708090a0b0c 11000000 a2a9ea60 00000000000000000000ffffcb007102").replace(" ", "")),
                0, 60, NONCE, 41641)).isNotNull();
    }

    @Test
    void anAnswerWithAnotherNonceOrPortOrProtocolIsNotOurs() throws Exception {
        String tail = " 00000000000000000000ffffcb007102";
        String head = "02810000 00001c20 01020304 000000000000000000000000";
        for (String data : new String[] {
            "ff02030405060708090a0b0c 11000000 a2a9ea60", // another nonce
            "0102030405060708090a0b0c 11000000 a2aaea60", // another internal port
            "0102030405060708090a0b0c 06000000 a2a9ea60"}) { // TCP
            byte[] b = HEX.parseHex((head + data + tail).replace(" ", ""));
            assertThat(PcpClient.mapAnswer(b, 0, b.length, NONCE, 41641)).as(data).isNull();
        }
        // NAT-PMP's "unsupported version" from a gateway without PCP ends the wait as a refusal
        assertThat(PcpClient.mapAnswer(HEX.parseHex("0081000100000010"), 0, 8, NONCE, 41641).result()).isEqualTo(1);
    }

    @Test
    void anAnnounceAnswerAndARefusal() throws Exception {
        Pcp.Response a = decode("02800000 00000000 00000e10 000000000000000000000000");
        assertThat(a.opcode()).isEqualTo(Pcp.OP_ANNOUNCE);
        assertThat(a.epochSeconds()).isEqualTo(3600);
        // result 2 NOT_AUTHORIZED; an IPv6 external address is no IPv4 one
        Pcp.Response r = decode("02810002 00000000 00000010 000000000000000000000000"
                + "0102030405060708090a0b0c 11000000 a2a90000 20010db8000000000000000000000001");
        assertThat(r.result()).isEqualTo(2);
        assertThat(Pcp.describe(r.result())).contains("not authorized");
        assertThat(r.externalAddress()).isNull();
    }

    @Test
    void optionsAfterTheDataAreSkipped() throws Exception {
        // a THIRD_PARTY-shaped option (code 1, reserved, length 16) after the MAP data
        Pcp.Response r = decode("02810000 00001c20 00000001 000000000000000000000000"
                + "0102030405060708090a0b0c 11000000 a2a9ea60 00000000000000000000ffffcb007102"
                + "01000010 00000000000000000000ffffc0a80117");
        assertThat(r.externalPort()).isEqualTo(60000);
    }

    @Test
    void whatIsNoResponseIsRefused() {
        assertThatThrownBy(() -> decode("0281000000000000")).isInstanceOf(PortMapProtocolException.class)
                .hasMessageContaining("8 bytes");
        assertThatThrownBy(() -> decode("02810000 00001c20 00000001 000000000000000000000000 00"))
                .hasMessageContaining("a multiple of 4");
        assertThatThrownBy(() -> decode("01810000 00001c20 00000001 000000000000000000000000"))
                .hasMessageContaining("version 1");
        assertThatThrownBy(() -> decode("02010000 00001c20 00000001 000000000000000000000000"))
                .hasMessageContaining("a PCP request");
        assertThatThrownBy(() -> decode("02820000 00001c20 00000001 000000000000000000000000"))
                .hasMessageContaining("unsupported opcode 2");
        assertThatThrownBy(() -> decode("02810000 00001c20 00000001 000000000000000000000000 00000000"))
                .hasMessageContaining("it has 60");
        assertThatThrownBy(() -> Pcp.decode(new byte[1104], 0, 1104)).hasMessageContaining("at most 1100");
    }

    @Test
    void whatMiniupnpdAnswered() throws Exception {
        // Debian's miniupnpd 2.3.1 (ext_ip 198.0.0.7), asked for UDP 41641 with NONCE from 10.77.0.2:
        // granted for 7200 s at epoch 3 on ::ffff:198.0.0.7, port 41641
        Pcp.Response r = decode("0281000000001c20000000030000000000000000000000000102030405060708090a0b0c"
                + "11000000a2a9a2a900000000000000000000ffffc6000007");
        assertThat(PcpClient.mapAnswer(HEX.parseHex("0281000000001c20000000030000000000000000000000000102030405060708090a"
                + "0b0c11000000a2a9a2a900000000000000000000ffffc6000007"), 0, 60, NONCE, 41641)).isNotNull();
        assertThat(r.result()).isZero();
        assertThat(r.lifetimeSeconds()).isEqualTo(7200);
        assertThat(r.epochSeconds()).isEqualTo(3);
        assertThat(r.externalPort()).isEqualTo(41641);
        assertThat(r.externalAddress()).isEqualTo(InetAddress.ofLiteral("198.0.0.7"));
        // refused, NO_RESOURCES (8), with a lifetime of 30 s and the request's data echoed (§7.2)
        Pcp.Response refused = decode("028100080000001e000000040000000000000000000000000102030405060708090a0b0c"
                + "11000000a2a9a2a900000000000000000000ffffc6000007");
        assertThat(refused.result()).isEqualTo(8);
        assertThat(refused.nonce()).isEqualTo(NONCE);
        // its ANNOUNCE answer: the epoch only
        assertThat(decode("028000000000000000000003000000000000000000000000").epochSeconds()).isEqualTo(3);
    }
}
