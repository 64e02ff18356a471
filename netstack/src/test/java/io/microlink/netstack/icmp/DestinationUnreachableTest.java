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
    /**
     * Known answers computed apart from this code (a short script packing the headers and
     * summing the one's-complement checksums by hand): the error comes from the router's
     * address, carries type 3 code 1 (v4) or type 1 code 3 (v6), and quotes the whole packet.
     */
    @Test
    void hostUnreachableComesFromTheRouterWithKnownBytesAndChecksums() throws Exception {
        byte[] offending4 = NetstackVectors.bytes("4500001e123400003f11fab3644000010a5a004d9c401633000a76156869");
        byte[] error4 = DestinationUnreachable.hostUnreachable(new IpPacketBuilder(7), new byte[] {100, 64, 0, 2},
                parsed(offending4)).orElseThrow();
        assertThat(hex(error4)).isEqualTo("4500003a0007400040017239644000026440000103016c0200000000"
                + "4500001e123400003f11fab3644000010a5a004d9c401633000a76156869");

        byte[] offending6 = NetstackVectors.bytes("60000000000a1140fd7a115ca1e000000000000000000001"
                + "fd7a115ca1e0990900000000000000779c401633000aea0c6869");
        byte[] router6 = NetstackVectors.bytes("fd7a115ca1e000000000000000000002");
        byte[] error6 = DestinationUnreachable.hostUnreachable(IP, router6, parsed(offending6)).orElseThrow();
        assertThat(hex(error6)).isEqualTo("60000000003a3a40fd7a115ca1e000000000000000000002"
                + "fd7a115ca1e00000000000000000000101032be700000000"
                + "60000000000a1140fd7a115ca1e000000000000000000001fd7a115ca1e0990900000000000000779c401633000aea0c6869");
    }

    @Test
    void hostUnreachableNeverAnswersAnErrorOrABroadcast() throws Exception {
        byte[] router = {100, 64, 0, 2};
        for (JsonNode v : NetstackVectors.get("portUnreachable")) {
            IpPacket error = parsed(bytes(v, "error"));
            byte[] from = error.version() == 4 ? router : NetstackVectors.bytes("fd7a115ca1e000000000000000000002");
            assertThat(DestinationUnreachable.hostUnreachable(IP, from, error)).isEmpty();
        }
        byte[] toBroadcast = IP.allocate(new byte[] {100, 64, 0, 1}, new byte[] {(byte) 255, (byte) 255, (byte) 255,
                (byte) 255}, 17, 8);
        byte[] toGroup = IP.allocate(new byte[] {100, 64, 0, 1}, new byte[] {(byte) 224, 0, 0, (byte) 251}, 17, 8);
        assertThat(DestinationUnreachable.hostUnreachable(IP, router, parsed(toBroadcast))).isEmpty();
        assertThat(DestinationUnreachable.hostUnreachable(IP, router, parsed(toGroup))).isEmpty();
    }
}
