package io.microlink.netstack.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.netstack.socket.StackPair;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay on a stack ({@link StackPair#b}, the router) that a client stack ({@link StackPair#a},
 * a peer) sends to foreign addresses through: what reaches the far side, what the client sees
 * when it cannot, and the limits.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayServiceTest {
    private static final InetAddress SUBNET_HOST = InetAddress.ofLiteral("192.168.50.7");
    private static final RelayLimits ONE_EACH = new RelayLimits(1, 10, 8, 1, 10, Duration.ofMillis(200), 4,
            Duration.ofSeconds(2), Duration.ofSeconds(1), RelayLimits.TCP_IDLE);

    /** A far side on loopback: every dial goes to {@code server}, UDP is echoed, pings answer as told. */
    private static final class Loopback implements RelayTarget {
        final List<InetSocketAddress> dialed = new CopyOnWriteArrayList<>();
        final List<InetSocketAddress> udpOpened = new CopyOnWriteArrayList<>();
        volatile int port;
        volatile boolean alive = true;

        @Override
        public StreamConnection dial(InetSocketAddress to, Duration timeout) throws IOException {
            dialed.add(to);
            if (port == 0) {
                throw new ConnectException("Connection refused");
            }
            return StreamConnection.of(new Socket(InetAddress.getLoopbackAddress(), port));
        }

        @Override
        public Datagrams openUdp(InetSocketAddress to, Consumer<byte[]> replies) {
            udpOpened.add(to);
            return new Datagrams() {
                @Override
                public void send(byte[] payload) {
                    replies.accept(payload); // an echo server
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public boolean ping(InetAddress to, Duration timeout) {
            return alive;
        }
    }

    private static RelayService relay(StackPair pair, Loopback far, RelayLimits limits) throws IOException {
        return RelayService.start(pair.b, a -> a.equals(StackPair.A) ? "peer-a" : null, far, limits);
    }

    /**
     * The relay completes the handshake before it knows the far side, so the reset comes as the
     * connection opens or at the first read: either way the client fails, with no clean end.
     */
    private static void assertReset(StackPair pair, int port) {
        assertThatThrownBy(() -> {
            try (TailnetSocket client = pair.a.connect(SUBNET_HOST, port, 5000)) {
                client.getInputStream().read();
            }
        }).isInstanceOf(IOException.class).message().containsIgnoringCase("reset");
    }

    @Test
    void tcpGoesToTheAddressTheClientAskedForBothWaysWithHalfClose() throws Exception {
        Loopback far = new Loopback();
        try (StackPair pair = new StackPair(); ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             RelayService relay = relay(pair, far, RelayLimits.DEFAULTS)) {
            far.port = server.getLocalPort();
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    byte[] asked = s.getInputStream().readAllBytes(); // until the client's FIN
                    s.getOutputStream().write(("got " + new String(asked, StandardCharsets.US_ASCII))
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test fails on what the client reads
                }
            });
            try (TailnetSocket client = pair.a.connect(SUBNET_HOST, 8080, 5000)) {
                client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                assertThat(client.getInputStream().readAllBytes()).asString(StandardCharsets.US_ASCII)
                        .isEqualTo("got hello");
            }
            assertThat(far.dialed).containsExactly(new InetSocketAddress(SUBNET_HOST, 8080));
            assertThat(relay.count(RelayEvent.TCP_CONNECTIONS_RELAYED)).isEqualTo(1);
        }
    }

    @Test
    void aConnectionWhoseFarSideRefusesIsResetNotEndedCleanly() throws Exception {
        Loopback far = new Loopback(); // port 0: every dial is refused
        try (StackPair pair = new StackPair(); RelayService relay = relay(pair, far, RelayLimits.DEFAULTS)) {
            assertReset(pair, 8080);
            assertThat(relay.count(RelayEvent.TCP_DIAL_FAILED)).isEqualTo(1);
        }
    }

    @Test
    void aPeerPastItsConnectionLimitIsResetAndAnAddressWithNoOwnerIsRefused() throws Exception {
        Loopback far = new Loopback();
        try (StackPair pair = new StackPair(); ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             RelayService relay = relay(pair, far, ONE_EACH)) {
            far.port = server.getLocalPort();
            try (TailnetSocket first = pair.a.connect(SUBNET_HOST, 80, 5000); Socket held = server.accept()) {
                first.getOutputStream().write(1);
                assertThat(held.getInputStream().read()).isEqualTo(1); // relayed, and holding its slot
                assertReset(pair, 81);
                assertThat(relay.count(RelayEvent.REFUSED_TCP_LIMIT)).isEqualTo(1);
                assertThat(relay.relayed("peer-a")).isEqualTo(1);
            }
            assertThat(far.dialed).hasSize(1);
        }
        Loopback nobody = new Loopback();
        try (StackPair pair = new StackPair();
             RelayService relay = RelayService.start(pair.b, a -> null, nobody, RelayLimits.DEFAULTS)) {
            assertReset(pair, 80);
            assertThat(relay.count(RelayEvent.REFUSED_NO_OWNER)).isEqualTo(1);
            assertThat(nobody.dialed).isEmpty();
        }
    }

    @Test
    void udpFlowsAreRelayedBoundedPerPeerAndClosedWhenIdle() throws Exception {
        Loopback far = new Loopback();
        try (StackPair pair = new StackPair(); RelayService relay = relay(pair, far, ONE_EACH);
             TailnetDatagramSocket one = pair.a.bindUdp(0); TailnetDatagramSocket two = pair.a.bindUdp(0)) {
            InetSocketAddress echo = new InetSocketAddress(SUBNET_HOST, 7);
            one.send(echo, "a".getBytes(StandardCharsets.US_ASCII));
            var reply = one.receive(Duration.ofSeconds(5));
            assertThat(reply.sender()).isEqualTo(echo); // from the subnet host's address, as the peer expects
            assertThat(reply.data()).asString(StandardCharsets.US_ASCII).isEqualTo("a");
            two.send(echo, "b".getBytes(StandardCharsets.US_ASCII)); // a second flow of the same peer: over its one
            assertThat(two.receive(Duration.ofMillis(300))).isNull();
            assertThat(relay.count(RelayEvent.REFUSED_UDP_LIMIT)).isEqualTo(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (relay.count(RelayEvent.UDP_FLOWS_EXPIRED) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(relay.count(RelayEvent.UDP_FLOWS_EXPIRED)).isEqualTo(1);
            two.send(echo, "c".getBytes(StandardCharsets.US_ASCII)); // the slot is free again
            assertThat(two.receive(Duration.ofSeconds(5)).data()).asString(StandardCharsets.US_ASCII).isEqualTo("c");
            assertThat(far.udpOpened).hasSize(2);
        }
    }

    @Test
    void aTcpConnectionSilentBothWaysForItsIdleTimeIsClosedBothEndsAndABusyOneIsNot() throws Exception {
        RelayLimits idleSoon = new RelayLimits(4, 10, 8, 1, 10, Duration.ofSeconds(60), 4, Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofMillis(600));
        Loopback far = new Loopback();
        try (StackPair pair = new StackPair(); ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             RelayService relay = relay(pair, far, idleSoon)) {
            far.port = server.getLocalPort();
            server.setSoTimeout(5000);
            try (TailnetSocket silent = pair.a.connect(SUBNET_HOST, 80, 5000); Socket silentFar = server.accept();
                 TailnetSocket busy = pair.a.connect(SUBNET_HOST, 81, 5000); Socket busyFar = server.accept()) {
                silent.getOutputStream().write(1);
                assertThat(silentFar.getInputStream().read()).isEqualTo(1);
                silentFar.setSoTimeout(5000);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                // The busy one sends a byte each 200 ms, well inside the idle time, until the silent one is closed.
                while (relay.count(RelayEvent.TCP_CONNECTIONS_EXPIRED) == 0 && System.nanoTime() < deadline) {
                    busy.getOutputStream().write(2);
                    assertThat(busyFar.getInputStream().read()).isEqualTo(2);
                    Thread.sleep(200);
                }
                assertThat(relay.count(RelayEvent.TCP_CONNECTIONS_EXPIRED)).isEqualTo(1);
                assertThat(silentFar.getInputStream().read()).isEqualTo(-1); // the far end is closed
                assertThatThrownBy(() -> silent.getInputStream().read()).isInstanceOf(IOException.class); // reset
                assertThat(relay.relayed("peer-a")).isEqualTo(1);
                busy.getOutputStream().write(3);
                assertThat(busyFar.getInputStream().read()).isEqualTo(3);
            }
        }
    }

    @Test
    void closingAnOwnerEndsItsConnectionsAndFlowsAtOnce() throws Exception {
        Loopback far = new Loopback();
        try (StackPair pair = new StackPair(); ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             RelayService relay = relay(pair, far, RelayLimits.DEFAULTS)) {
            far.port = server.getLocalPort();
            try (TailnetSocket client = pair.a.connect(SUBNET_HOST, 80, 5000); Socket held = server.accept();
                 TailnetDatagramSocket udp = pair.a.bindUdp(0)) {
                client.getOutputStream().write(1);
                assertThat(held.getInputStream().read()).isEqualTo(1);
                udp.send(new InetSocketAddress(SUBNET_HOST, 7), new byte[] {2});
                assertThat(udp.receive(Duration.ofSeconds(5))).isNotNull();
                assertThat(relay.relayed("peer-a")).isEqualTo(2);

                relay.closeOwner("peer-a");
                assertThat(relay.relayed("peer-a")).isZero();
                // The far side's connection ends now, not when the relay's timers would have got to it.
                held.setSoTimeout(5000);
                assertThat(held.getInputStream().read()).isEqualTo(-1);
                relay.closeOwner("nobody"); // an owner holding nothing is no error
            }
        }
    }

    @Test
    void aPingIsAnsweredOnlyWhenTheRealHostAnswered() throws Exception {
        Loopback far = new Loopback();
        try (StackPair pair = new StackPair(); RelayService relay = relay(pair, far, RelayLimits.DEFAULTS)) {
            assertThat(pair.a.ping(SUBNET_HOST, new byte[] {1}, Duration.ofSeconds(5))).isPositive();
            far.alive = false;
            assertThatThrownBy(() -> pair.a.ping(SUBNET_HOST, new byte[] {2}, Duration.ofMillis(500)))
                    .isInstanceOf(TimeoutException.class);
            assertThat(relay.count(RelayEvent.PINGS_ANSWERED)).isEqualTo(1);
        }
    }
}
