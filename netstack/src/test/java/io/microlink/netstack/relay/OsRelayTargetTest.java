package io.microlink.netstack.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The host's sockets as a relay target, against a UDP server on loopback. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OsRelayTargetTest {
    @Test
    void aReplyLargerThanOneTunnelPacketCarriesIsDroppedNotCut() throws Exception {
        InetAddress loopback = InetAddress.ofLiteral("127.0.0.1");
        int fits = OsRelayTarget.maxReply(loopback);
        assertThat(fits).isEqualTo(1280 - 20 - 8);
        assertThat(OsRelayTarget.maxReply(InetAddress.ofLiteral("2001:db8::1"))).isEqualTo(1280 - 40 - 8);

        LinkedBlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
        try (DatagramSocket host = new DatagramSocket(new InetSocketAddress(loopback, 0));
             RelayTarget.Datagrams flow = new OsRelayTarget().openUdp(
                     (InetSocketAddress) host.getLocalSocketAddress(), replies::add)) {
            flow.send(new byte[] {1});
            DatagramPacket asked = new DatagramPacket(new byte[16], 16);
            host.receive(asked);
            for (int size : new int[] {fits + 1, 4000, fits, 10}) {
                host.send(new DatagramPacket(new byte[size], size, asked.getSocketAddress()));
            }
            assertThat(replies.poll(5, TimeUnit.SECONDS)).hasSize(fits);
            assertThat(replies.poll(5, TimeUnit.SECONDS)).hasSize(10);
            assertThat(replies).isEmpty();
        }
    }
}
