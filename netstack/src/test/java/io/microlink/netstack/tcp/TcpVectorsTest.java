package io.microlink.netstack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The codec against segments gVisor's header package built (tools/tcpvectors). */
class TcpVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static JsonNode vectors() throws Exception {
        try (InputStream in = TcpVectorsTest.class.getResourceAsStream("/vectors/tcp-vectors.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void parsesWhatGvisorBuiltAndBuildsTheSameBytes() throws Exception {
        JsonNode vectors = vectors();
        assertThat(vectors.size()).isEqualTo(14);
        for (JsonNode v : vectors) {
            byte[] src = InetAddress.getByName(v.path("src").asText()).getAddress();
            byte[] dst = InetAddress.getByName(v.path("dst").asText()).getAddress();
            byte[] wire = HEX.parseHex(v.path("segment").asText());
            byte[] payload = HEX.parseHex(v.path("payload").asText());

            TcpSegment seg = new TcpSegment();
            assertThat(seg.parse(src, dst, wire, 0, wire.length)).as(v.path("name").asText()).isTrue();
            assertThat(seg.srcPort).isEqualTo(v.path("srcPort").asInt());
            assertThat(seg.dstPort).isEqualTo(v.path("dstPort").asInt());
            assertThat(seg.seq).isEqualTo((int) v.path("seq").asLong());
            assertThat(seg.ack).isEqualTo((int) v.path("ack").asLong());
            assertThat(seg.flags).isEqualTo(v.path("flags").asInt());
            assertThat(seg.window).isEqualTo(v.path("window").asInt());
            assertThat(seg.mss).isEqualTo(v.path("mss").asInt());
            assertThat(seg.windowShift).isEqualTo(v.path("wscale").asInt());
            assertThat(seg.sackPermitted).isEqualTo(v.path("sackPermitted").asBoolean());
            assertThat(seg.tsVal).isEqualTo((int) v.path("tsVal").asLong());
            assertThat(seg.hasTimestamps).isEqualTo(v.path("tsVal").asLong() != 0);
            assertThat(seg.payloadLength).isEqualTo(payload.length);

            byte[] built = new byte[TcpSegment.MAX_HEADER_LENGTH + payload.length];
            int headerLength = seg.writeHeader(built, 0);
            System.arraycopy(payload, 0, built, headerLength, payload.length);
            TcpSegment.fillChecksum(src, dst, built, 0, headerLength + payload.length);
            assertThat(HEX.formatHex(built, 0, headerLength + payload.length)).isEqualTo(v.path("segment").asText());
        }
    }

    @Test
    void corruptedChecksumOrHeaderIsRejected() throws Exception {
        JsonNode v = vectors().get(0);
        byte[] src = InetAddress.getByName(v.path("src").asText()).getAddress();
        byte[] dst = InetAddress.getByName(v.path("dst").asText()).getAddress();
        byte[] wire = HEX.parseHex(v.path("segment").asText());
        TcpSegment seg = new TcpSegment();
        wire[4] ^= 1;
        assertThat(seg.parse(src, dst, wire, 0, wire.length)).isFalse();
        wire[4] ^= 1;
        byte[] otherSrc = src.clone();
        otherSrc[3] ^= 1;
        assertThat(seg.parse(otherSrc, dst, wire, 0, wire.length)).as("pseudo header covers the addresses").isFalse();
        assertThat(seg.parse(src, dst, wire, 0, 19)).isFalse();
    }

    @Test
    void aLinkAuthenticatedSegmentSkipsOnlyTheChecksumCheck() throws Exception {
        JsonNode v = vectors().get(0);
        byte[] src = InetAddress.getByName(v.path("src").asText()).getAddress();
        byte[] dst = InetAddress.getByName(v.path("dst").asText()).getAddress();
        byte[] wire = HEX.parseHex(v.path("segment").asText());
        wire[16] ^= 1; // the checksum field itself
        TcpSegment seg = new TcpSegment();
        assertThat(seg.parse(src, dst, wire, 0, wire.length, false)).isFalse();
        assertThat(seg.parse(src, dst, wire, 0, wire.length, true)).isTrue();
        assertThat(seg.srcPort).isEqualTo(v.path("srcPort").asInt());
        assertThat(seg.seq).isEqualTo((int) v.path("seq").asLong());
        assertThat(seg.parse(src, dst, wire, 0, 19, true)).as("the header is still checked").isFalse();
        wire[12] = (byte) 0xf0; // a data offset of 60 bytes, past a shorter segment
        assertThat(seg.parse(src, dst, wire, 0, Math.min(wire.length, 59), true)).isFalse();
    }
}
