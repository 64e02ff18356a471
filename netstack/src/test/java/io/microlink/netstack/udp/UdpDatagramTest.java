package io.microlink.netstack.udp;

import static io.microlink.netstack.NetstackVectors.address;
import static io.microlink.netstack.NetstackVectors.bytes;
import static io.microlink.netstack.NetstackVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.NetstackVectors;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UdpDatagramTest {
    private static IpPacket parsed(byte[] packet) throws MalformedPacketException {
        return IpPacket.parse(packet, 0, packet.length);
    }

    @Test
    void parsesGvisorsDatagrams() throws Exception {
        for (JsonNode v : NetstackVectors.get("udp")) {
            UdpDatagram d = UdpDatagram.parse(parsed(bytes(v, "packet")));
            assertThat(d.sourcePort()).isEqualTo(v.path("srcPort").asInt());
            assertThat(d.destinationPort()).isEqualTo(v.path("dstPort").asInt());
            assertThat(hex(Arrays.copyOfRange(d.buffer(), d.payloadOffset(), d.payloadOffset() + d.payloadLength())))
                    .isEqualTo(v.path("data").asText());
        }
    }

    @Test
    void buildsGvisorsBytesIncludingTheAllOnesChecksum() {
        boolean sawAllOnes = false;
        for (JsonNode v : NetstackVectors.get("udp")) {
            byte[] data = bytes(v, "data");
            byte[] packet = UdpDatagram.packet(new IpPacketBuilder(v.path("id").asInt()), address(v, "src"), address(v, "dst"),
                    v.path("srcPort").asInt(), v.path("dstPort").asInt(), data, 0, data.length);
            assertThat(hex(packet)).isEqualTo(v.path("packet").asText());
            int u = IpPacketBuilder.headerLength(address(v, "src"));
            sawAllOnes |= packet[u + 6] == (byte) 0xff && packet[u + 7] == (byte) 0xff;
        }
        assertThat(sawAllOnes).isTrue();
    }

    @Test
    void aZeroChecksumIsNoChecksumOnIpv4ButIllegalOnIpv6() throws Exception {
        byte[] v4 = bytes(NetstackVectors.get("udp").get(0), "packet");
        v4[26] = 0;
        v4[27] = 0;
        assertThat(UdpDatagram.parse(parsed(v4)).destinationPort()).isEqualTo(41641);
        byte[] v6 = bytes(NetstackVectors.get("udp").get(3), "packet");
        v6[46] = 0;
        v6[47] = 0;
        assertThatThrownBy(() -> UdpDatagram.parse(parsed(v6))).isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void rejectsBadChecksumsAndLengths() throws Exception {
        for (JsonNode v : NetstackVectors.get("udp")) {
            byte[] packet = bytes(v, "packet");
            int u = packet.length - v.path("data").asText().length() / 2 - 8;
            byte[] flipped = packet.clone();
            flipped[flipped.length - 1] ^= (byte) 0x80;
            flipped[u + 1] ^= 1;
            assertThatThrownBy(() -> UdpDatagram.parse(parsed(flipped))).hasMessageContaining("checksum");
            for (int length : new int[] {7, 0, packet.length - u + 1}) {
                byte[] bad = packet.clone();
                bad[u + 4] = (byte) (length >> 8);
                bad[u + 5] = (byte) length;
                assertThatThrownBy(() -> UdpDatagram.parse(parsed(bad))).hasMessageContaining("UDP length");
            }
        }
    }
}
