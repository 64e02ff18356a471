package io.microlink.netstack.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.Headroom;
import io.microlink.netstack.icmp.Icmp;
import io.microlink.netstack.icmp.IcmpEcho;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.tcp.TcpConfig;
import io.microlink.netstack.udp.UdpDatagram;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A datagram or ping relayed to an address the target knows no host at is answered at once with
 * ICMP host unreachable (IPv4) or address unreachable (IPv6) from the node's own address, as a
 * router answers for a neighbour that is not there; never more than the stack's rate a second.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HostUnreachableTest {
    private static final InetAddress NODE4 = InetAddress.ofLiteral("100.64.0.2");
    private static final InetAddress NODE6 = InetAddress.ofLiteral("fd7a:115c:a1e0::2");
    private static final InetAddress PEER4 = InetAddress.ofLiteral("100.64.0.1");
    private static final InetAddress PEER6 = InetAddress.ofLiteral("fd7a:115c:a1e0::1");
    private static final InetAddress ABSENT4 = InetAddress.ofLiteral("10.90.0.77");
    private static final InetAddress ABSENT6 = InetAddress.ofLiteral("fd7a:115c:a1e0:9909::77");
    private static final InetAddress PRESENT4 = InetAddress.ofLiteral("10.90.0.2");

    /** Knows one host; counts what the relay asks of it. */
    private static final class OneHost implements RelayTarget {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger pinged = new AtomicInteger();

        @Override
        public StreamConnection dial(InetSocketAddress to, Duration timeout) throws IOException {
            throw new IOException("not in this test");
        }

        @Override
        public Datagrams openUdp(InetSocketAddress to, Consumer<byte[]> replies) {
            opened.incrementAndGet();
            return new Datagrams() {
                @Override
                public void send(byte[] payload) {}

                @Override
                public void close() {}
            };
        }

        @Override
        public boolean ping(InetAddress to, Duration timeout) {
            pinged.incrementAndGet();
            return false;
        }

        @Override
        public boolean hasHost(InetAddress to) {
            return to.equals(PRESENT4);
        }
    }

    private final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private final Netstack stack = new Netstack(TcpConfig.defaults(),
            (buf, off, len) -> sent.add(Arrays.copyOfRange(buf, off, off + len)), Headroom.NONE);
    private final OneHost target = new OneHost();
    private final RelayService relay;

    HostUnreachableTest() throws IOException {
        stack.setAddresses(List.of(NODE4, NODE6));
        relay = RelayService.start(stack, a -> "peer", target, RelayLimits.DEFAULTS);
    }

    @AfterEach
    void stop() {
        relay.close();
        stack.close();
    }

    @Test
    void aDatagramToAnAbsentHostIsAnsweredWithHostUnreachableFromTheNode() throws Exception {
        byte[] datagram = udp(PEER4, ABSENT4, 5683);
        stack.inbound(datagram, 0, datagram.length);
        byte[] v6 = udp(PEER6, ABSENT6, 5683);
        stack.inbound(v6, 0, v6.length);

        assertThat(sent).hasSize(2);
        assertUnreachable(sent.get(0), NODE4, PEER4, Icmp.V4_DESTINATION_UNREACHABLE, Icmp.V4_HOST_UNREACHABLE, datagram);
        assertUnreachable(sent.get(1), NODE6, PEER6, Icmp.V6_DESTINATION_UNREACHABLE, Icmp.V6_ADDRESS_UNREACHABLE, v6);
        assertThat(target.opened).hasValue(0);
    }

    @Test
    void aPingOfAnAbsentHostIsAnsweredWithHostUnreachableAndNotTried() throws Exception {
        byte[] ping = IcmpEcho.packet(new IpPacketBuilder(7), PEER4.getAddress(), ABSENT4.getAddress(), false, 1, 1,
                new byte[8], 0, 8);
        stack.inbound(ping, 0, ping.length);

        assertThat(sent).hasSize(1);
        assertUnreachable(sent.getFirst(), NODE4, PEER4, Icmp.V4_DESTINATION_UNREACHABLE, Icmp.V4_HOST_UNREACHABLE, ping);
        assertThat(target.pinged).hasValue(0);
    }

    @Test
    void aHostThatIsThereIsRelayedAsBefore() throws Exception {
        byte[] datagram = udp(PEER4, PRESENT4, 5683);
        stack.inbound(datagram, 0, datagram.length);

        assertThat(target.opened).hasValue(1);
        assertThat(sent).isEmpty();
    }

    @Test
    void aFloodGetsNoMoreAnswersThanTheRateAllows() throws Exception {
        for (int port = 1; port <= 1000; port++) {
            byte[] datagram = udp(PEER4, ABSENT4, port);
            stack.inbound(datagram, 0, datagram.length);
        }
        // A burst of 10, and 10 a second after it: far fewer than the flood, whatever the machine's speed.
        assertThat(sent.size()).isBetween(10, 30);
    }

    private static byte[] udp(InetAddress from, InetAddress to, int port) {
        byte[] data = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return UdpDatagram.packet(new IpPacketBuilder(3), from.getAddress(), to.getAddress(), 40000, port, data, 0,
                data.length);
    }

    private static void assertUnreachable(byte[] error, InetAddress from, InetAddress to, int type, int code,
                                          byte[] offending) throws Exception {
        IpPacket p = IpPacket.parse(error, 0, error.length);
        assertThat(p.source()).isEqualTo(from.getAddress());
        assertThat(p.destination()).isEqualTo(to.getAddress());
        assertThat(p.protocol()).isEqualTo(Icmp.protocol(p.version()));
        byte[] b = p.buffer();
        int m = p.payloadOffset();
        assertThat(b[m] & 0xff).isEqualTo(type);
        assertThat(b[m + 1] & 0xff).isEqualTo(code);
        // The offending packet, quoted whole (it is short), after the 8-byte ICMP header.
        assertThat(Arrays.copyOfRange(b, m + Icmp.HEADER_LENGTH, p.payloadOffset() + p.payloadLength()))
                .isEqualTo(offending);
    }
}
