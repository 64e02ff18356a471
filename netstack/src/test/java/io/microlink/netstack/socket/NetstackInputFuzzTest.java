package io.microlink.netstack.socket;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.netstack.Headroom;
import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.tcp.TcpConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** The stack's input path: every decrypted inner packet from a peer goes into {@link Netstack#inbound}. */
class NetstackInputFuzzTest {
    private static final List<byte[]> SENT = new ArrayList<>();
    private static final Netstack STACK = listening();

    private static Netstack listening() {
        Netstack stack = new Netstack(TcpConfig.defaults().withMaxConnections(8), (buf, off, len) -> {
            synchronized (SENT) {
                SENT.add(java.util.Arrays.copyOfRange(buf, off, off + len));
            }
        }, Headroom.NONE);
        // Both ends of the vectors' packets (netstack-vectors.json, tcp-vectors.json) are ours, so
        // the seeds reach the listener and the bound UDP port whichever way they were captured.
        stack.setAddresses(List.of(InetAddress.ofLiteral("100.64.0.1"), InetAddress.ofLiteral("100.101.102.103"),
                InetAddress.ofLiteral("fd7a:115c:a1e0::1"), InetAddress.ofLiteral("fd7a:115c:a1e0:ab12:4843:cd96:6258:b240")));
        try {
            stack.listen(80, 4);
            stack.bindUdp(41641);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stack;
    }

    /**
     * Any packet (TCP to a listener, UDP to a bound port, ICMP echo, fragments, garbage) is taken
     * without an exception, and whatever the stack sends in answer is a well-formed IP packet.
     */
    @FuzzTest
    void inbound(byte[] packet) throws MalformedPacketException {
        synchronized (SENT) {
            SENT.clear();
        }
        STACK.inbound(packet, 0, packet.length);
        synchronized (SENT) {
            for (byte[] answer : SENT) {
                IpPacket p = IpPacket.parse(answer, 0, answer.length);
                assertThat(p.length()).isEqualTo(answer.length);
            }
        }
    }
}
