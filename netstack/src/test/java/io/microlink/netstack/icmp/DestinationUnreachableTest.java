package io.microlink.netstack.icmp;

import static io.microlink.netstack.NetstackVectors.bytes;
import static io.microlink.netstack.NetstackVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.netstack.NetstackVectors;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import org.junit.jupiter.api.Test;

class DestinationUnreachableTest {
    private static final IpPacketBuilder IP = new IpPacketBuilder(0);

    private static IpPacket parsed(byte[] b) throws Exception {
        return IpPacket.parse(b, 0, b.length);
    }

    @Test
    void quotesAsGvisorsStackDoesWithin576And1280Bytes() throws Exception {
        for (JsonNode v : NetstackVectors.get("portUnreachable")) {
            byte[] error = DestinationUnreachable.portUnreachable(new IpPacketBuilder(v.path("id").asInt()), parsed(bytes(v, "offending")))
                    .orElseThrow();
            assertThat(hex(error)).isEqualTo(v.path("error").asText());
            assertThat(error.length).isLessThanOrEqualTo(error[0] >> 4 == 4 ? 576 : 1280);
        }
    }

    @Test
    void neverAnswersAnIcmpError() throws Exception {
        for (JsonNode v : NetstackVectors.get("portUnreachable")) {
            assertThat(DestinationUnreachable.portUnreachable(IP, parsed(bytes(v, "error")))).isEmpty();
        }
    }

    @Test
    void mayAnswerAnIcmpQuery() throws Exception {
        byte[] ping = bytes(NetstackVectors.get("echo").get(0), "packet");
        assertThat(DestinationUnreachable.portUnreachable(IP, parsed(ping))).isPresent();
    }

    @Test
    void neverAnswersANonFirstFragment() throws Exception {
        JsonNode fragments = NetstackVectors.get("fragmented");
        for (JsonNode family : fragments) {
            IpPacket first = parsed(NetstackVectors.bytes(family.path("fragments").get(0).asText()));
            IpPacket second = parsed(NetstackVectors.bytes(family.path("fragments").get(1).asText()));
            assertThat(DestinationUnreachable.portUnreachable(IP, first)).isPresent();
            assertThat(DestinationUnreachable.portUnreachable(IP, second)).isEmpty();
        }
    }

    @Test
    void neverAnswersMulticastBroadcastOrUnspecifiedAddresses() throws Exception {
        byte[] unicast = {100, 64, 0, 1};
        byte[][] others = {{(byte) 224, 0, 0, (byte) 251}, {(byte) 255, (byte) 255, (byte) 255, (byte) 255}, {0, 0, 0, 0}, {127, 0, 0, 1}};
        for (byte[] other : others) {
            byte[] toGroup = IP.allocate(unicast, other, 17, 8);
            byte[] fromOther = IP.allocate(other, unicast, 17, 8);
            assertThat(DestinationUnreachable.portUnreachable(IP, parsed(toGroup))).isEmpty();
            assertThat(DestinationUnreachable.portUnreachable(IP, parsed(fromOther))).isEmpty();
        }
        byte[] v6Unicast = NetstackVectors.address(NetstackVectors.get("echo").get(1), "src");
        byte[] allNodes = new byte[16];
        allNodes[0] = (byte) 0xff;
        allNodes[1] = 2;
        allNodes[15] = 1;
        byte[] unspecified = new byte[16];
        assertThat(DestinationUnreachable.portUnreachable(IP, parsed(IP.allocate(v6Unicast, allNodes, 17, 8)))).isEmpty();
        assertThat(DestinationUnreachable.portUnreachable(IP, parsed(IP.allocate(unspecified, v6Unicast, 17, 8)))).isEmpty();
    }
}
