package io.microlink.netstack.icmp;

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

class IcmpEchoTest {
    @Test
    void parsesGvisorsEchoesOfBothFamilies() throws Exception {
        for (JsonNode v : NetstackVectors.get("echo")) {
            byte[] packet = bytes(v, "packet");
            IcmpEcho e = IcmpEcho.parse(IpPacket.parse(packet, 0, packet.length)).orElseThrow();
            assertThat(e.isReply()).isEqualTo(v.path("reply").asBoolean());
            assertThat(e.identifier()).isEqualTo(v.path("ident").asInt());
            assertThat(e.sequence()).isEqualTo(v.path("sequence").asInt());
            assertThat(hex(Arrays.copyOfRange(e.buffer(), e.dataOffset(), e.dataOffset() + e.dataLength())))
                    .isEqualTo(v.path("data").asText());
        }
    }

    @Test
    void buildsGvisorsBytes() {
        for (JsonNode v : NetstackVectors.get("echo")) {
            byte[] data = bytes(v, "data");
            byte[] packet = IcmpEcho.packet(new IpPacketBuilder(v.path("id").asInt()), address(v, "src"), address(v, "dst"),
                    v.path("reply").asBoolean(), v.path("ident").asInt(), v.path("sequence").asInt(), data, 0, data.length);
            assertThat(hex(packet)).isEqualTo(v.path("packet").asText());
        }
    }

    @Test
    void rejectsABadChecksumAndATruncatedHeader() throws Exception {
        for (JsonNode v : NetstackVectors.get("echo")) {
            byte[] packet = bytes(v, "packet");
            packet[packet.length - 3] ^= 4;
            assertThatThrownBy(() -> IcmpEcho.parse(IpPacket.parse(packet, 0, packet.length))).hasMessageContaining("checksum");
        }
        byte[] a = {100, 64, 0, 1};
        byte[] shortMessage = new IpPacketBuilder(0).allocate(a, a, Icmp.protocol(4), 7);
        assertThatThrownBy(() -> IcmpEcho.parse(IpPacket.parse(shortMessage, 0, shortMessage.length)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("truncated");
    }

    @Test
    void anotherIcmpTypeIsNotAnEcho() throws Exception {
        JsonNode v = NetstackVectors.get("portUnreachable").get(0);
        byte[] error = bytes(v, "error");
        assertThat(IcmpEcho.parse(IpPacket.parse(error, 0, error.length))).isEmpty();
    }
}
