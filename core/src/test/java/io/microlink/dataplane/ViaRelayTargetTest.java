package io.microlink.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.netstack.relay.RelayTarget;
import io.microlink.netstack.socket.StreamConnection;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** 4via6 relaying: the host's network gets the IPv4 host behind a via address, never a refused one. */
class ViaRelayTargetTest {
    private static final Duration T = Duration.ofSeconds(1);
    private static final InetSocketAddress VIA_HOST = new InetSocketAddress("fd7a:115c:a1e0:b1a:0:7:a4d:5", 80);

    /** Records where each dial, flow and ping went; reaches nothing. */
    private static final class Recording implements RelayTarget {
        final List<Object> asked = new CopyOnWriteArrayList<>();
        Consumer<byte[]> replies;

        @Override
        public StreamConnection dial(InetSocketAddress to, Duration timeout) throws IOException {
            asked.add(to);
            throw new ConnectException("nothing listens in this test");
        }

        @Override
        public Datagrams openUdp(InetSocketAddress to, Consumer<byte[]> replies) {
            asked.add(to);
            this.replies = replies;
            return new Datagrams() {
                @Override
                public void send(byte[] payload) {}

                @Override
                public void close() {}
            };
        }

        @Override
        public boolean ping(InetAddress to, Duration timeout) {
            asked.add(to);
            return true;
        }
    }

    private final Recording inner = new Recording();
    private final ViaRelayTarget via = new ViaRelayTarget(inner);

    @Test
    void tcpUdpAndPingsToAViaAddressGoToTheIpv4HostBehindIt() throws IOException {
        assertThatThrownBy(() -> via.dial(VIA_HOST, T)).isInstanceOf(ConnectException.class);
        via.openUdp(new InetSocketAddress(VIA_HOST.getAddress(), 7), reply -> {}).close();
        assertThat(via.ping(VIA_HOST.getAddress(), T)).isTrue();
        assertThat(inner.asked).containsExactly(new InetSocketAddress("10.77.0.5", 80),
                new InetSocketAddress("10.77.0.5", 7), InetAddress.ofLiteral("10.77.0.5"));
    }

    @Test
    void otherDestinationsPassUnchanged() throws IOException {
        InetSocketAddress plain = new InetSocketAddress("192.168.50.7", 7);
        List<byte[]> got = new CopyOnWriteArrayList<>();
        via.openUdp(plain, got::add).close();
        inner.replies.accept(new byte[1252]);
        assertThat(inner.asked).containsExactly(plain);
        assertThat(got).hasSize(1);
    }

    @Test
    void aHostTailscaledRefusesBehindAViaAddressIsNeverAsked() {
        InetSocketAddress loopback = new InetSocketAddress("fd7a:115c:a1e0:b1a:0:7:7f00:1", 22);
        assertThatThrownBy(() -> via.dial(loopback, T)).isInstanceOf(NoRouteToHostException.class)
                .hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> via.openUdp(new InetSocketAddress("fd7a:115c:a1e0:b1a:0:7:6440:1", 53), r -> {}))
                .isInstanceOf(NoRouteToHostException.class);
        assertThat(via.ping(InetAddress.ofLiteral("fd7a:115c:a1e0:b1a:0:7:a9fe:a9fe"), T)).isFalse();
        assertThat(inner.asked).isEmpty();
    }

    @Test
    void aReplyTooLargeForOneIpv6TunnelPacketIsDropped() throws IOException {
        List<byte[]> got = new CopyOnWriteArrayList<>();
        via.openUdp(new InetSocketAddress(VIA_HOST.getAddress(), 7), got::add).close();
        inner.replies.accept(new byte[1232]); // 1280 - 40 - 8: fits
        inner.replies.accept(new byte[1233]);
        assertThat(got).extracting(b -> b.length).containsExactly(1232);
    }
}
