package io.microlink.netstack.ip;

import static io.microlink.netstack.NetstackVectors.address;
import static io.microlink.netstack.NetstackVectors.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.NetstackVectors;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class IpPacketTest {
    @Test
    void parsesGvisorUdpPacketsOfBothFamilies() throws Exception {
        for (JsonNode v : NetstackVectors.get("udp")) {
            byte[] packet = bytes(v, "packet");
            IpPacket p = IpPacket.parse(packet, 0, packet.length);
            boolean v4 = p.version() == 4;
            assertThat(p.source()).isEqualTo(address(v, "src"));
            assertThat(p.destination()).isEqualTo(address(v, "dst"));
            assertThat(p.protocol()).isEqualTo(IpProtocol.UDP);
            assertThat(p.hopLimit()).isEqualTo(64);
            assertThat(p.length()).isEqualTo(packet.length);
            assertThat(p.payloadOffset()).isEqualTo(v4 ? 20 : 40);
            assertThat(p.payloadLength()).isEqualTo(packet.length - p.payloadOffset());
            assertThat(p.isFragment()).isFalse();
            assertThat(p.fragmentId()).isEqualTo(v4 ? v.path("id").asInt() : 0);
        }
    }

    @Test
    void walksIpv6ExtensionHeadersAsGvisorDoes() throws Exception {
        for (JsonNode v : NetstackVectors.get("ipv6ExtensionHeaders")) {
            byte[] packet = bytes(v, "packet");
            IpPacket p = IpPacket.parse(packet, 0, packet.length);
            assertThat(p.protocol()).as(v.toString()).isEqualTo(v.path("protocol").asInt());
            assertThat(p.payloadOffset()).as(v.toString()).isEqualTo(v.path("payloadOffset").asInt());
            JsonNode fragment = v.path("fragment");
            assertThat(p.isFragment()).isEqualTo(!fragment.isMissingNode());
            if (p.isFragment()) {
                assertThat(p.fragmentOffset()).isEqualTo(fragment.path("offset").asInt());
                assertThat(p.moreFragments()).isEqualTo(fragment.path("more").asBoolean());
                assertThat(p.fragmentId() & 0xffffffffL).isEqualTo(fragment.path("id").asLong());
            }
        }
    }

    @Test
    void readsAPacketAtAnOffsetAndIgnoresTrailingBytes() throws Exception {
        byte[] packet = bytes(NetstackVectors.get("udp").get(0), "packet");
        byte[] framed = new byte[packet.length + 13];
        System.arraycopy(packet, 0, framed, 5, packet.length);
        IpPacket p = IpPacket.parse(framed, 5, packet.length + 8);
        assertThat(p.offset()).isEqualTo(5);
        assertThat(p.length()).isEqualTo(packet.length);
        assertThat(p.payloadOffset()).isEqualTo(25);
    }

    @Test
    void rejectsABadIpv4HeaderChecksum() throws Exception {
        byte[] packet = bytes(NetstackVectors.get("udp").get(0), "packet");
        packet[8] ^= 1;
        assertThatThrownBy(() -> IpPacket.parse(packet, 0, packet.length))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("checksum");
    }

    @Test
    void rejectsLengthsThatDisagreeWithTheBuffer() throws Exception {
        byte[] v4 = bytes(NetstackVectors.get("udp").get(0), "packet");
        assertThatThrownBy(() -> IpPacket.parse(v4, 0, v4.length - 1)).isInstanceOf(MalformedPacketException.class);
        byte[] v6 = bytes(NetstackVectors.get("udp").get(3), "packet");
        assertThatThrownBy(() -> IpPacket.parse(v6, 0, v6.length - 1)).isInstanceOf(MalformedPacketException.class);
        byte[] ihlTooSmall = v4.clone();
        ihlTooSmall[0] = 0x44;
        assertThatThrownBy(() -> IpPacket.parse(ihlTooSmall, 0, ihlTooSmall.length)).isInstanceOf(MalformedPacketException.class);
        byte[] version5 = v4.clone();
        version5[0] = 0x55;
        assertThatThrownBy(() -> IpPacket.parse(version5, 0, version5.length)).hasMessageContaining("version 5");
    }

    @Test
    void rejectsHopByHopOptionsAfterAnotherExtensionHeader() {
        // Destination options (next: hop-by-hop) then hop-by-hop (next: no next header), 16 bytes of payload.
        byte[] packet = HexFormat.of().parseHex("6000000000103c40" + "00".repeat(32) + "0000010400000000" + "3b00010400000000");
        assertThatThrownBy(() -> IpPacket.parse(packet, 0, packet.length)).hasMessageContaining("hop-by-hop");
    }

    @Test
    void anAtomicFragmentIsAWholePacket() throws Exception {
        // A fragment header with offset 0 and M clear (RFC 6946), then 8 bytes of UDP.
        byte[] packet = HexFormat.of().parseHex("6000000000102c40" + "00".repeat(32)
                + "1100000000000007" + "0001000200080000");
        IpPacket p = IpPacket.parse(packet, 0, packet.length);
        assertThat(p.isFragment()).isFalse();
        assertThat(p.protocol()).isEqualTo(IpProtocol.UDP);
        assertThat(p.payloadOffset()).isEqualTo(48);
        assertThat(p.payloadLength()).isEqualTo(8);
    }
}
