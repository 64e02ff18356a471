package io.microlink.netstack.icmp;

import static io.microlink.netstack.NetstackVectors.bytes;
import static io.microlink.netstack.NetstackVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.netstack.NetstackVectors;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import org.junit.jupiter.api.Test;

class EchoResponderTest {
    private static IpPacket packet(JsonNode v) throws Exception {
        byte[] b = bytes(v, "packet");
        return IpPacket.parse(b, 0, b.length);
    }

    @Test
    void repliesWithTheSameIdentifierSequenceAndDataBackToTheSender() throws Exception {
        for (JsonNode request : NetstackVectors.get("echo")) {
            if (request.path("reply").asBoolean()) {
                continue;
            }
            IpPacket in = packet(request);
            byte[] reply = new EchoResponder(new IpPacketBuilder(7)).reply(in).orElseThrow();
            IpPacket out = IpPacket.parse(reply, 0, reply.length);
            assertThat(out.source()).isEqualTo(in.destination());
            assertThat(out.destination()).isEqualTo(in.source());
            IcmpEcho echo = IcmpEcho.parse(out).orElseThrow();
            assertThat(echo.isReply()).isTrue();
            assertThat(echo.identifier()).isEqualTo(request.path("ident").asInt());
            assertThat(echo.sequence()).isEqualTo(request.path("sequence").asInt());
            assertThat(hex(reply).substring(2 * echo.dataOffset())).isEqualTo(request.path("data").asText());
        }
    }

    @Test
    void staysQuietForRepliesAndOtherIcmp() throws Exception {
        EchoResponder responder = new EchoResponder(new IpPacketBuilder(0));
        for (JsonNode v : NetstackVectors.get("echo")) {
            if (v.path("reply").asBoolean()) {
                assertThat(responder.reply(packet(v))).isEmpty();
            }
        }
        byte[] error = bytes(NetstackVectors.get("portUnreachable").get(0), "error");
        assertThat(responder.reply(IpPacket.parse(error, 0, error.length))).isEmpty();
    }

    @Test
    void doesNotAnswerAMulticastOrBroadcastRequest() throws Exception {
        byte[] ourAddr = {100, 64, 0, 1};
        for (byte[] group : new byte[][] {{(byte) 224, 0, 0, 1}, {(byte) 255, (byte) 255, (byte) 255, (byte) 255}}) {
            byte[] request = IcmpEcho.packet(new IpPacketBuilder(0), ourAddr, group, false, 1, 1, new byte[4], 0, 4);
            assertThat(new EchoResponder(new IpPacketBuilder(0)).reply(IpPacket.parse(request, 0, request.length))).isEmpty();
        }
    }
}
