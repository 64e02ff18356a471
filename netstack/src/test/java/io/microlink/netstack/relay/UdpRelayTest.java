package io.microlink.netstack.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.EventCounters;
import io.microlink.netstack.Headroom;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.tcp.TcpConfig;
import io.microlink.netstack.udp.UdpDatagram;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The UDP relay driven packet by packet, from two threads where it matters: what one flow's
 * datagrams do while another thread opens its socket.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class UdpRelayTest {
    private static final InetAddress PEER = InetAddress.ofLiteral("100.64.0.1");
    private static final InetAddress FAR = InetAddress.ofLiteral("192.168.50.7");
    private static final RelayLimits LIMITS = new RelayLimits(4, 8, 8, 4, 8, Duration.ofSeconds(60), 4,
            Duration.ofSeconds(2), Duration.ofSeconds(1), RelayLimits.TCP_IDLE);

    /** A target whose first socket opens only when the test lets it, as a slow open would. */
    private static final class SlowFirstOpen implements RelayTarget {
        final CountDownLatch opening = new CountDownLatch(1);
        final CountDownLatch letOpen = new CountDownLatch(1);
        final AtomicInteger opened = new AtomicInteger();
        final List<String> sent = new CopyOnWriteArrayList<>();

        @Override
        public StreamConnection dial(InetSocketAddress to, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Datagrams openUdp(InetSocketAddress to, Consumer<byte[]> replies) {
            if (opened.incrementAndGet() == 1) {
                opening.countDown();
                try {
                    letOpen.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Datagrams() {
                @Override
                public void send(byte[] payload) {
                    sent.add(new String(payload, StandardCharsets.US_ASCII));
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public boolean ping(InetAddress to, Duration timeout) {
            return false;
        }
    }

    private final Netstack stack = new Netstack(TcpConfig.defaults(), (buf, off, len) -> {}, Headroom.NONE);
    private final EventCounters<RelayEvent> counters = new EventCounters<>(RelayEvent.class);
    private final SlowFirstOpen far = new SlowFirstOpen();
    private final UdpRelay relay = new UdpRelay(a -> "peer", far, LIMITS, counters);

    private void datagram(String payload) throws Exception {
        byte[] data = payload.getBytes(StandardCharsets.US_ASCII);
        byte[] raw = UdpDatagram.packet(new IpPacketBuilder(1), PEER.getAddress(), FAR.getAddress(), 40000, 53,
                data, 0, data.length);
        IpPacket p = IpPacket.parse(raw, 0, raw.length);
        relay.handle(stack, p, UdpDatagram.parse(p));
    }

    /** Starts the flow's first datagram on a thread of its own and waits until its socket is opening. */
    private Thread firstDatagramOpening() throws InterruptedException {
        Thread first = Thread.ofVirtual().start(() -> {
            try {
                datagram("first");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(far.opening.await(5, TimeUnit.SECONDS)).isTrue();
        return first;
    }

    @Test
    void twoDatagramsOfOneFlowArrivingTogetherOpenOneSocket() throws Exception {
        Thread first = firstDatagramOpening();
        datagram("second"); // returns at once: it waits in the flow, not for the socket
        far.letOpen.countDown();
        first.join();
        datagram("third");

        assertThat(far.opened).hasValue(1);
        assertThat(relay.total()).isEqualTo(1);
        assertThat(counters.get(RelayEvent.UDP_FLOWS_OPENED)).isEqualTo(1);
        assertThat(far.sent).containsExactlyInAnyOrder("first", "second", "third");
    }

    @Test
    void whatWaitsForAnOpeningSocketIsBounded() throws Exception {
        Thread first = firstDatagramOpening();
        for (int i = 0; i < UdpRelay.EARLY_DATAGRAMS + 3; i++) {
            datagram("early " + i);
        }
        far.letOpen.countDown();
        first.join();

        assertThat(far.opened).hasValue(1);
        assertThat(far.sent).hasSize(1 + UdpRelay.EARLY_DATAGRAMS);
        assertThat(counters.get(RelayEvent.UDP_SEND_FAILED)).isEqualTo(3);
    }
}
