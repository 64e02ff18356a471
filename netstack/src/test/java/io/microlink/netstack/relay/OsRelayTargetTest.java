package io.microlink.netstack.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    @Test
    void everyConnectionAndFlowIsHandedToTheBinderBeforeItLeavesFromThePortItWasBoundTo() throws Exception {
        InetAddress loopback = InetAddress.ofLiteral("127.0.0.1");
        List<String> bound = new CopyOnWriteArrayList<>();
        SocketBinder binder = new SocketBinder() {
            @Override
            public void bindTcp(Socket unconnected, InetAddress to) throws java.io.IOException {
                unconnected.bind(new InetSocketAddress(0)); // as binding to a device does
                bound.add("tcp " + unconnected.isConnected() + " " + unconnected.getLocalPort() + " " + to.getHostAddress());
            }

            @Override
            public void bindUdp(int localPort, InetAddress to) {
                bound.add("udp " + localPort + " " + to.getHostAddress());
            }
        };
        OsRelayTarget target = new OsRelayTarget(binder);
        try (ServerSocket server = new ServerSocket(0, 1, loopback);
             var conn = target.dial((InetSocketAddress) server.getLocalSocketAddress(), Duration.ofSeconds(5));
             Socket accepted = server.accept()) {
            assertThat(bound).containsExactly("tcp false " + accepted.getPort() + " 127.0.0.1");
        }
        bound.clear();
        try (DatagramSocket host = new DatagramSocket(new InetSocketAddress(loopback, 0));
             RelayTarget.Datagrams flow = target.openUdp((InetSocketAddress) host.getLocalSocketAddress(), b -> { })) {
            flow.send(new byte[] {1});
            DatagramPacket asked = new DatagramPacket(new byte[16], 16);
            host.receive(asked);
            assertThat(bound).containsExactly("udp " + asked.getPort() + " 127.0.0.1");
        }
    }
}
