package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.relay.SocketBinder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The forwarder's host sockets are readied by the node's binder (its active uplink) before a query leaves. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class UpstreamSocketsBindingTest {
    private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final List<String> bound = new CopyOnWriteArrayList<>();
    private final SocketBinder binder = new SocketBinder() {
        @Override
        public void bindTcp(Socket unconnected, InetAddress to) throws IOException {
            unconnected.bind(new InetSocketAddress(0)); // as binding to a device does
            bound.add("tcp " + unconnected.isConnected() + " " + unconnected.getLocalPort() + " " + to.getHostAddress());
        }

        @Override
        public void bindUdp(int localPort, InetAddress to) {
            bound.add("udp " + localPort + " " + to.getHostAddress());
        }
    };

    @Test
    void aUdpQueryLeavesFromTheSocketTheBinderReadied() throws Exception {
        try (DatagramSocket upstream = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             UpstreamSockets.Exchange e = UpstreamSockets.os(binder).open(
                     (InetSocketAddress) upstream.getLocalSocketAddress(), DnsForwarder.Transport.UDP, TIMEOUT)) {
            e.send(new byte[] {1, 2});
            DatagramPacket query = new DatagramPacket(new byte[16], 16);
            upstream.receive(query);
            assertThat(bound).containsExactly("udp " + query.getPort() + " 127.0.0.1");
        }
    }

    @Test
    void aTcpQueryConnectsFromTheSocketTheBinderReadiedBeforeItConnected() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 1, LOOPBACK);
             UpstreamSockets.Exchange e = UpstreamSockets.os(binder).open(
                     (InetSocketAddress) upstream.getLocalSocketAddress(), DnsForwarder.Transport.TCP, TIMEOUT);
             Socket accepted = upstream.accept()) {
            assertThat(bound).containsExactly("tcp false " + accepted.getPort() + " 127.0.0.1");
        }
    }
}
