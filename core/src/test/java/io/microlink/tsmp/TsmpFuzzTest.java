package io.microlink.tsmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.ip.IpPacket;
import java.util.Arrays;
import java.util.Optional;

/** A decrypted inner packet from a peer into {@link TsmpResponder#pong}. */
class TsmpFuzzTest {
    /**
     * Any packet gives nothing or one pong: a well-formed IP packet of protocol 99 that carries
     * 'o', the ping's eight bytes and port 0, from the address the ping went to, to the pinger.
     */
    @FuzzTest
    void pong(byte[] packet) throws MalformedPacketException {
        Optional<byte[]> answer = TsmpResponder.pong(packet, 0, packet.length);
        if (answer.isEmpty()) {
            return;
        }
        byte[] pong = answer.get();
        IpPacket reply = IpPacket.parse(pong, 0, pong.length);
        assertThat(reply.protocol()).isEqualTo(TsmpResponder.PROTOCOL);
        assertThat(reply.length()).isEqualTo(pong.length);
        assertThat(reply.payloadLength()).isEqualTo(11);
        assertThat(pong[reply.payloadOffset()]).isEqualTo(TsmpResponder.PONG);
        int family = reply.version() == 4 ? 4 : 16;
        int sourceAt = reply.version() == 4 ? 12 : 8;
        int header = reply.version() == 4 ? (packet[0] & 0x0F) * 4 : 40;
        assertThat(packet[header]).isEqualTo(TsmpResponder.PING);
        assertThat(Arrays.copyOfRange(pong, reply.payloadOffset() + 1, reply.payloadOffset() + 9))
                .isEqualTo(Arrays.copyOfRange(packet, header + 1, header + 9));
        assertThat(reply.destination()).isEqualTo(Arrays.copyOfRange(packet, sourceAt, sourceAt + family));
        assertThat(reply.source()).isEqualTo(Arrays.copyOfRange(packet, sourceAt + family, sourceAt + 2 * family));
    }
}
