package io.microlink.dns;

import io.microlink.netmap.Netmap;
import io.microlink.netstack.Headroom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.tcp.TcpConfig;
import io.microlink.netstack.udp.UdpDatagram;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** MagicDNS queries sent as packets to 100.100.100.100:53 inside the netstack, answers read off its output. */
class QuadHundredDnsServerTest {
    private static final InetAddress PEER = InetAddress.ofLiteral("100.64.0.2");

    @Test
    void aQueryToQuad100IsAnsweredFromTheNetmapBackToTheAsker() throws Exception {
        LinkedBlockingQueue<byte[]> out = new LinkedBlockingQueue<>();
        try (Netstack stack = new Netstack(TcpConfig.defaults(), (buf, off, len) -> out.add(Arrays.copyOfRange(buf, off, off + len)), Headroom.NONE)) {
            stack.setAddresses(List.of(InetAddress.ofLiteral("100.64.0.1")));
            QuadHundredDnsServer dns = new QuadHundredDnsServer();
            dns.attach(stack);
            dns.update(TestNetmaps.standard());

            byte[] packet = queryPacket(7);
            assertThat(QuadHundredDnsServer.isAddressedTo(packet, 0, packet.length)).isTrue();
            stack.inbound(packet, 0, packet.length);

            byte[] reply = out.poll(5, TimeUnit.SECONDS);
            IpPacket ip = IpPacket.parse(reply, 0, reply.length);
            UdpDatagram udp = UdpDatagram.parse(ip);
            assertThat(InetAddress.getByAddress(ip.source())).isEqualTo(InetAddress.ofLiteral("100.100.100.100"));
            assertThat(new InetSocketAddress(InetAddress.getByAddress(ip.destination()), udp.destinationPort()))
                    .isEqualTo(new InetSocketAddress(PEER, 40000));
            DnsMessage answer = DnsMessage.parse(Arrays.copyOfRange(udp.buffer(), udp.payloadOffset(),
                    udp.payloadOffset() + udp.payloadLength()));
            assertThat(answer.header().id()).isEqualTo(7);
            assertThat(answer.answers()).singleElement()
                    .satisfies(r -> assertThat(((DnsRdata.Address) r.data()).address()).isEqualTo(PEER));
        }
    }

    @Test
    void aQueryWhoseAnswerFailsToLeaveIsDroppedAndCountedAndTheNextIsAnswered() throws Exception {
        LinkedBlockingQueue<byte[]> out = new LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicBoolean failNext = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (Netstack stack = new Netstack(TcpConfig.defaults(), (buf, off, len) -> {
            if (failNext.getAndSet(false)) {
                throw new IllegalStateException("a bug of ours on the way out");
            }
            out.add(Arrays.copyOfRange(buf, off, off + len));
        }, Headroom.NONE)) {
            stack.setAddresses(List.of(InetAddress.ofLiteral("100.64.0.1")));
            QuadHundredDnsServer dns = new QuadHundredDnsServer();
            dns.attach(stack);
            dns.update(TestNetmaps.standard());
            byte[] packet = queryPacket(7);

            stack.inbound(packet.clone(), 0, packet.length);
            stack.inbound(packet.clone(), 0, packet.length);

            assertThat(dns.dropped()).isEqualTo(1);
            assertThat(out.poll(5, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void forwardsInFlightAreBoundedSoAQueryFloodCannotHoldAThreadAndSocketEach() throws Exception {
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
             Netstack stack = new Netstack(TcpConfig.defaults(), (buf, off, len) -> { }, Headroom.NONE)) {
            stack.setAddresses(List.of(InetAddress.ofLiteral("100.64.0.1")));
            QuadHundredDnsServer dns = new QuadHundredDnsServer();
            dns.attach(stack);
            dns.update(TestNetmaps.netmap(TestNetmaps.DUAL_STACK_SELF, "",
                    "{'Resolvers':[{'Addr':'127.0.0.1:" + silent.getLocalPort() + "'}]}"));
            int queries = QuadHundredDnsServer.MAX_FORWARDS_IN_FLIGHT + 50;
            for (int i = 0; i < queries; i++) {
                byte[] query = new DnsMessage(DnsHeader.query(i), List.of(new DnsQuestion("name" + i + ".example.com.",
                        DnsType.A, DnsClass.IN)), List.of(), List.of(), List.of()).encode(512);
                byte[] packet = UdpDatagram.packet(new IpPacketBuilder(1), PEER.getAddress(),
                        InetAddress.ofLiteral("100.100.100.100").getAddress(), 40000 + i, 53, query, 0, query.length);
                stack.inbound(packet, 0, packet.length);
            }
            // The silent resolver holds every forward for its full timeout, far longer than this loop.
            assertThat(dns.forwardsRefused()).isEqualTo(50);
        }
    }

    @Test
    void aNameTheTailnetRoutesNowhereIsForwardedToTheUsersUpstreamAndTheAnswerComesBackFromQuad100()
            throws Exception {
        forwardsTo(upstream -> new QuadHundredDnsServer(List.of(upstream)));
    }

    @Test
    void withoutUserUpstreamsTheHostsResolversFromBeforeTunModeAreAsked() throws Exception {
        forwardsTo(upstream -> {
            QuadHundredDnsServer dns = new QuadHundredDnsServer();
            dns.hostResolvers(List.of(upstream));
            return dns;
        });
    }

    @Test
    void theUsersUpstreamsComeBeforeTheHostsResolvers() throws Exception {
        try (java.net.DatagramSocket host = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            forwardsTo(upstream -> {
                QuadHundredDnsServer dns = new QuadHundredDnsServer(List.of(upstream));
                dns.hostResolvers(List.of((InetSocketAddress) host.getLocalSocketAddress()));
                return dns;
            });
            host.setSoTimeout(200);
            assertThatThrownBy(() -> host.receive(new java.net.DatagramPacket(new byte[512], 512)))
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    /** A name outside the tailnet asked of the server {@code server} makes goes to {@code upstream}, and its answer comes back. */
    private static void forwardsTo(java.util.function.Function<InetSocketAddress, QuadHundredDnsServer> server)
            throws Exception {
        LinkedBlockingQueue<byte[]> out = new LinkedBlockingQueue<>();
        try (java.net.DatagramSocket upstream = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
             Netstack stack = new Netstack(TcpConfig.defaults(), (buf, off, len) -> out.add(Arrays.copyOfRange(buf, off, off + len)), Headroom.NONE)) {
            stack.setAddresses(List.of(InetAddress.ofLiteral("100.64.0.1")));
            QuadHundredDnsServer dns = server.apply((InetSocketAddress) upstream.getLocalSocketAddress());
            dns.attach(stack);
            dns.update(TestNetmaps.netmap(TestNetmaps.DUAL_STACK_SELF, "", "{'Proxied':true}"));
            byte[] query = new DnsMessage(DnsHeader.query(31), List.of(new DnsQuestion("www.example.com.", DnsType.A,
                    DnsClass.IN)), List.of(), List.of(), List.of()).encode(512);
            byte[] packet = UdpDatagram.packet(new IpPacketBuilder(1), PEER.getAddress(),
                    InetAddress.ofLiteral("100.100.100.100").getAddress(), 40000, 53, query, 0, query.length);
            stack.inbound(packet, 0, packet.length);

            upstream.setSoTimeout(5000);
            java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[512], 512);
            upstream.receive(in);
            DnsMessage asked = DnsMessage.parse(Arrays.copyOf(in.getData(), in.getLength()));
            byte[] answer = new DnsMessage(asked.header().answer(DnsRcode.NOERROR), asked.questions(),
                    List.of(DnsRecord.address("www.example.com.", InetAddress.ofLiteral("198.51.100.7"), 60)), List.of(),
                    List.of()).encode(512);
            upstream.send(new java.net.DatagramPacket(answer, answer.length, in.getSocketAddress()));

            byte[] reply = out.poll(5, TimeUnit.SECONDS);
            IpPacket ip = IpPacket.parse(reply, 0, reply.length);
            UdpDatagram udp = UdpDatagram.parse(ip);
            assertThat(InetAddress.getByAddress(ip.source())).isEqualTo(InetAddress.ofLiteral("100.100.100.100"));
            assertThat(udp.destinationPort()).isEqualTo(40000);
            DnsMessage m = DnsMessage.parse(Arrays.copyOfRange(udp.buffer(), udp.payloadOffset(),
                    udp.payloadOffset() + udp.payloadLength()));
            assertThat(m.header().id()).isEqualTo(31);
            assertThat(m.answers()).singleElement().satisfies(r -> assertThat(((DnsRdata.Address) r.data()).address())
                    .isEqualTo(InetAddress.ofLiteral("198.51.100.7")));
        }
    }

    @Test
    void resolverAddressesAreTakenOnlyAsLiterals() {
        assertThat(MagicDnsServer.plainAddress("1.1.1.1")).contains(new InetSocketAddress("1.1.1.1", 53));
        assertThat(MagicDnsServer.plainAddress("9.9.9.9:5353")).contains(new InetSocketAddress("9.9.9.9", 5353));
        assertThat(MagicDnsServer.plainAddress("[2606:4700::1111]:53"))
                .contains(new InetSocketAddress("2606:4700::1111", 53));
        assertThat(MagicDnsServer.plainAddress("2606:4700::1111"))
                .contains(new InetSocketAddress("2606:4700::1111", 53));
        assertThat(MagicDnsServer.plainAddress("https://dns.example/dns-query")).isEqualTo(Optional.empty());
        assertThat(MagicDnsServer.plainAddress("dns.example")).isEqualTo(Optional.empty());
        assertThat(MagicDnsServer.plainAddress("1.1.1.1:dns")).isEqualTo(Optional.empty());
        assertThat(MagicDnsServer.plainAddress("1.1.1.1:70000")).isEqualTo(Optional.empty());
    }

    /** A peer's query (ID {@code id}) for ts2's IPv4 address, as a packet to 100.100.100.100:53 from port 40000. */
    @Test
    void aNetmapCostsNoNameTablesUntilAQueryNeedsThemAndTheQueryIsAnsweredFromIt() throws Exception {
        int peers = 2000;
        Netmap big = TestNetmaps.withPeers(peers);
        LinkedBlockingQueue<byte[]> out = new LinkedBlockingQueue<>();
        try (Netstack stack = new Netstack(TcpConfig.defaults(), (buf, off, len) -> out.add(Arrays.copyOfRange(buf, off, off + len)), Headroom.NONE)) {
            stack.setAddresses(List.of(InetAddress.ofLiteral("100.64.0.1")));
            QuadHundredDnsServer dns = new QuadHundredDnsServer();
            dns.attach(stack);
            dns.update(TestNetmaps.standard());

            // MagicDNS's tables for a netmap take about 300 bytes a peer; most netmaps are
            // replaced before anyone asks a name, so they are made for a query, not a netmap.
            // Checked by structure rather than by a heap reading, which moves with whatever else
            // the test JVM allocates.
            Field made = QuadHundredDnsServer.class.getDeclaredField("made");
            made.setAccessible(true);
            Object before = made.get(dns);
            dns.update(big);
            assertThat(made.get(dns)).as("tables made for a netmap nobody asked about").isSameAs(before);

            byte[] packet = queryPacket(9, "peer-1999.tailnet.test.");
            stack.inbound(packet, 0, packet.length);
            byte[] reply = out.poll(5, TimeUnit.SECONDS);
            UdpDatagram udp = UdpDatagram.parse(IpPacket.parse(reply, 0, reply.length));
            DnsMessage answer = DnsMessage.parse(Arrays.copyOfRange(udp.buffer(), udp.payloadOffset(),
                    udp.payloadOffset() + udp.payloadLength()));
            assertThat(answer.answers()).singleElement().satisfies(r -> assertThat(((DnsRdata.Address) r.data())
                    .address()).isEqualTo(InetAddress.ofLiteral("100.65.7.207")));
            assertThat(made.get(dns)).as("the query made them").isNotNull().isNotSameAs(before);
        }
    }

    private static byte[] queryPacket(int id) {
        return queryPacket(id, "ts2.tailnet.test.");
    }

    private static byte[] queryPacket(int id, String name) {
        byte[] query = new DnsMessage(DnsHeader.query(id), List.of(new DnsQuestion(name, DnsType.A,
                DnsClass.IN)), List.of(), List.of(), List.of()).encode(512);
        return UdpDatagram.packet(new IpPacketBuilder(1), PEER.getAddress(),
                InetAddress.ofLiteral("100.100.100.100").getAddress(), 40000, 53, query, 0, query.length);
    }
}
