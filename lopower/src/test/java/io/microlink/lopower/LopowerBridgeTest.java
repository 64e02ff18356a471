package io.microlink.lopower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.lopower.bridge.BridgeCounters;
import io.microlink.lopower.bridge.DeviceDns;
import io.microlink.lopower.enroll.AddressPlan;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import io.microlink.netstack.tcp.TcpSegment;
import io.microlink.netstack.udp.UdpDatagram;
import io.microlink.wireguard.session.Counters;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge end to end in one JVM: WireGuard devices of our own engine, a stand-in tailnet of two stacks. */
class LopowerBridgeTest {
    @TempDir
    Path dir;
    private PairedStacks tailnet;
    private LopowerBridge bridge;
    private int port;

    @BeforeEach
    void start() throws Exception {
        tailnet = new PairedStacks();
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        bridge = LopowerBridge.start(dir, new BridgeNetwork("fd7a:115c:a1e0:9909::/64", "10.90.0.0/24", port), tailnet,
                Duration.ofSeconds(1), LopowerBridgeTest::dnsStandIn, null);
    }

    @AfterEach
    void stop() {
        bridge.close();
        tailnet.close();
    }

    /**
     * Answers every UDP query with "dns ", whether the plan has IPv4, and the query, from the
     * address asked; over TCP, each connection gets "dns tcp" and is closed.
     */
    static DeviceDns dnsStandIn(AddressPlan plan) {
        return new DeviceDns() {
            @Override
            public void handle(Netstack stack, IpPacket packet, UdpDatagram d) {
                byte[] answer = ("dns " + (plan.ipv4() != null ? "4+6 " : "6 ") + new String(d.buffer(),
                        d.payloadOffset(), d.payloadLength(), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
                stack.sendUdp(packet.destination(), d.destinationPort(), packet.source(), d.sourcePort(), answer, 0,
                        answer.length);
            }

            @Override
            public void serveTcp(Netstack stack) throws IOException {
                TailnetServerSocket listener = stack.listen(53, 4);
                Thread.ofVirtual().start(() -> {
                    while (true) {
                        try (TailnetSocket s = listener.accept()) {
                            s.getOutputStream().write("dns tcp".getBytes(StandardCharsets.US_ASCII));
                        } catch (IOException e) {
                            return;
                        }
                    }
                });
            }
        };
    }

    private TestDevice enroll(String name) throws Exception {
        EnrolledDevice d = bridge.enrollment().add(name, null, "127.0.0.1:" + port, 0);
        Thread.sleep(LopowerBridge.WATCH_MILLIS * 2); // the bridge picks the new device up
        return TestDevice.of(d, bridge.enrollment().bridgePublicKey(), port);
    }

    @Test
    void aDevicesQueriesToEitherBridgeAddressOnPort53ReachTheDnsServerOverUdpAndTcp() throws Exception {
        try (TestDevice device = enroll("phone");
             TailnetDatagramSocket udp = device.stack.bindUdp(0)) {
            for (String bridgeAddress : new String[] {"fd7a:115c:a1e0:9909::1", "10.90.0.1"}) {
                InetSocketAddress dns = new InetSocketAddress(InetAddress.ofLiteral(bridgeAddress), 53);
                udp.send(dns, "query".getBytes(StandardCharsets.US_ASCII));
                TailnetDatagramSocket.Datagram answer = udp.receive(Duration.ofSeconds(10));
                assertThat(answer).as("answer from " + dns).isNotNull();
                assertThat(answer.sender()).isEqualTo(dns);
                assertThat(new String(answer.data(), StandardCharsets.US_ASCII)).isEqualTo("dns 4+6 query");
            }
            for (String bridgeAddress : new String[] {"fd7a:115c:a1e0:9909::1", "10.90.0.1"}) {
                try (TailnetSocket tcp = device.stack.connect(InetAddress.ofLiteral(bridgeAddress), 53, 10_000)) {
                    tcp.setSoTimeout(10_000);
                    assertThat(new String(tcp.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                            .isEqualTo("dns tcp");
                }
            }
            assertThat(bridge.dataplane().relayed("phone")).as("nothing relayed onto the tailnet").isZero();
        }
    }

    @Test
    void tcpFullSizeUdpAndPingReachTheTailnetOverBothFamilies() throws Exception {
        try (TestDevice device = enroll("sensor")) {
            for (InetAddress peer : new InetAddress[] {PairedStacks.PEER_V4, PairedStacks.PEER_V6}) {
                try (TailnetSocket s = device.stack.connect(peer, 7, 10_000)) {
                    s.setSoTimeout(10_000);
                    byte[] sent = new byte[200_000];
                    new Random(1).nextBytes(sent);
                    Thread.ofVirtual().start(() -> {
                        try {
                            s.getOutputStream().write(sent);
                        } catch (IOException e) {
                            // the read below fails then
                        }
                    });
                    assertThat(s.getInputStream().readNBytes(sent.length)).isEqualTo(sent);
                }
                try (TailnetDatagramSocket udp = device.stack.bindUdp(0)) {
                    byte[] datagram = new byte[1400];
                    new Random(2).nextBytes(datagram);
                    udp.send(new InetSocketAddress(peer, 7), datagram);
                    TailnetDatagramSocket.Datagram echo = udp.receive(Duration.ofSeconds(10));
                    assertThat(echo).as("UDP echo from " + peer).isNotNull();
                    assertThat(echo.sender()).isEqualTo(new InetSocketAddress(peer, 7));
                    assertThat(echo.data()).isEqualTo(datagram);
                }
            }
            assertThat(bridge.dataplane().count(BridgeCounters.Event.TCP_CONNECTIONS_RELAYED)).isEqualTo(2);
            DeviceActivity seen = bridge.activity().get("sensor");
            assertThat(seen.online()).isTrue();
            assertThat(seen.lastHandshake()).isNotNull();
            assertThat(seen.rxBytes()).isGreaterThan(400_000); // both 200 kB streams went through it
            assertThat(seen.txBytes()).isGreaterThan(400_000);
            // A ping of a live tailnet address is answered; one of an address nobody holds is not.
            assertThat(device.stack.ping(PairedStacks.PEER_V4, new byte[] {9}, Duration.ofSeconds(10))).isPositive();
            assertThat(device.stack.ping(PairedStacks.PEER_V6, new byte[] {9}, Duration.ofSeconds(10))).isPositive();
            assertThatThrownBy(() -> device.stack.ping(InetAddress.ofLiteral("100.64.9.9"), new byte[] {9},
                    Duration.ofSeconds(3))).isInstanceOf(java.util.concurrent.TimeoutException.class);
            // Idle flows are reclaimed (this bridge's idle limit is 1 s).
            awaitTrue(() -> bridge.dataplane().count(BridgeCounters.Event.UDP_FLOWS_EXPIRED) == 2, "flows expired");
        }
    }

    @Test
    void aConnectionTheTailnetRefusesIsResetForTheDeviceNotEndedInOrder() throws Exception {
        try (TestDevice device = enroll("asker"); TailnetSocket s = device.stack.connect(PairedStacks.PEER_V4, 9, 10_000)) {
            // The bridge's stack accepted at once; the tailnet peer has nothing on port 9.
            s.setSoTimeout(10_000);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(java.net.SocketException.class)
                    .hasMessageContaining("reset");
            assertThat(bridge.dataplane().count(BridgeCounters.Event.TCP_DIAL_FAILED)).isEqualTo(1);
        }
    }

    @Test
    void aDeviceFloodingSynsFillsItsOwnShareOfHalfOpenSlotsNotTheOtherDevices() throws Exception {
        try (TestDevice flooder = enroll("flooder"); TestDevice other = enroll("other")) {
            // A first connection brings the flooder's session up; then it ignores every answer.
            try (TailnetSocket s = flooder.stack.connect(PairedStacks.PEER_V4, 7, 10_000)) {
                s.getOutputStream().write(1);
            }
            flooder.deaf(true);
            byte[] from = bridge.enrollment().show("flooder").addresses().getLast().getAddress();
            int stackLimit = io.microlink.netstack.tcp.TcpConfig.defaults().maxHalfOpen();
            for (int port = 10_000; port < 10_000 + stackLimit + 50; port++) {
                flooder.sendRaw(syn(from, PairedStacks.PEER_V4.getAddress(), port, 7));
            }
            Thread.sleep(500); // the SYNs have landed
            // The other device still connects at once.
            try (TailnetSocket s = other.stack.connect(PairedStacks.PEER_V4, 7, 3_000)) {
                s.setSoTimeout(5_000);
                s.getOutputStream().write(42);
                assertThat(s.getInputStream().read()).isEqualTo(42);
            }
        }
    }

    /** A bare SYN, as a flooder sends it. */
    private static byte[] syn(byte[] source, byte[] destination, int sourcePort, int destinationPort) {
        TcpSegment seg = new TcpSegment();
        seg.srcPort = sourcePort;
        seg.dstPort = destinationPort;
        seg.flags = TcpSegment.SYN;
        seg.seq = 1000;
        seg.window = 65535;
        seg.windowShift = -1;
        byte[] header = new byte[TcpSegment.MAX_HEADER_LENGTH];
        int length = seg.writeHeader(header, 0);
        byte[] tcp = Arrays.copyOf(header, length);
        TcpSegment.fillChecksum(source, destination, tcp, 0, length);
        byte[] packet = new IpPacketBuilder(1).allocate(source, destination, TcpSegment.PROTOCOL, length);
        System.arraycopy(tcp, 0, packet, IpPacketBuilder.headerLength(source), length);
        return packet;
    }

    @Test
    void aDevicesUdpFlowsAreBoundedAndReclaimedWhenIdle() throws Exception {
        try (TestDevice device = enroll("chatty"); TailnetDatagramSocket udp = device.stack.bindUdp(0)) {
            udp.send(new InetSocketAddress(PairedStacks.PEER_V4, 7), new byte[] {1});
            assertThat(udp.receive(Duration.ofSeconds(10))).as("the session is up").isNotNull();
            int limit = io.microlink.lopower.bridge.BridgeDataplane.UDP_FLOWS_PER_DEVICE;
            for (int port = 20_000; port < 20_000 + limit + 5; port++) {
                udp.send(new InetSocketAddress(PairedStacks.PEER_V4, port), new byte[] {2});
            }
            awaitTrue(() -> bridge.dataplane().count(BridgeCounters.Event.REFUSED_DEVICE_LIMIT) == 6,
                    "flows past the limit refused");
            assertThat(bridge.dataplane().relayed("chatty")).isEqualTo(limit);
            // This bridge closes flows idle for 1 s; then the device may open new ones.
            awaitTrue(() -> bridge.dataplane().relayed("chatty") == 0, "idle flows reclaimed");
            udp.send(new InetSocketAddress(PairedStacks.PEER_V4, 7), new byte[] {3});
            assertThat(udp.receive(Duration.ofSeconds(10))).isNotNull();
        }
    }

    @Test
    void aDeviceReachesNeitherTheHostsNetworksNorAnotherDevice() throws Exception {
        try (TestDevice a = enroll("a"); TestDevice b = enroll("b")) {
            for (String target : new String[] {"127.0.0.1", "192.168.1.1", "8.8.8.8", "2001:db8::1"}) {
                assertThatThrownBy(() -> a.stack.connect(InetAddress.ofLiteral(target), 80, 700))
                        .as(target).isInstanceOf(SocketTimeoutException.class);
            }
            assertThat(bridge.dataplane().count(BridgeCounters.Event.DROPPED_NOT_TAILNET)).isPositive();
            InetAddress other = bridge.enrollment().show("b").addresses().getLast();
            try (var server = b.stack.listen(80, 4)) {
                assertThatThrownBy(() -> a.stack.connect(other, 80, 700)).isInstanceOf(SocketTimeoutException.class);
            }
            assertThat(bridge.dataplane().count(BridgeCounters.Event.DROPPED_OTHER_DEVICE)).isPositive();
            assertThat(tailnet.dials).hasValue(0);
        }
    }

    @Test
    void aPacketFromAnotherDevicesAddressIsDroppedAndCounted() throws Exception {
        try (TestDevice a = enroll("a"); TestDevice b = enroll("b");
             TailnetDatagramSocket listener = tailnet.peer.bindUdp(9)) {
            // A first datagram from its own address brings the session up and shows the path works.
            try (TailnetDatagramSocket udp = a.stack.bindUdp(0)) {
                udp.send(new InetSocketAddress(PairedStacks.PEER_V4, 9), "own".getBytes(StandardCharsets.US_ASCII));
                assertThat(listener.receive(Duration.ofSeconds(10))).isNotNull();
            }
            byte[] bAddress = bridge.enrollment().show("b").addresses().getLast().getAddress();
            byte[] spoofed = UdpDatagram.packet(new IpPacketBuilder(1), bAddress, PairedStacks.PEER_V4.getAddress(), 4000,
                    9, "forged".getBytes(StandardCharsets.US_ASCII), 0, 6);
            a.sendRaw(spoofed);
            awaitTrue(() -> bridge.dataplane().count(Counters.Event.DROPPED_SOURCE_NOT_ALLOWED) == 1, "spoof counted");
            assertThat(listener.receive(Duration.ofMillis(500))).isNull();
        }
    }

    @Test
    void aReplyToADevicesFlowFromAnyoneButItsDestinationIsDroppedAndCounted() throws Exception {
        try (TestDevice device = enroll("picky"); TailnetDatagramSocket udp = device.stack.bindUdp(0);
             TailnetDatagramSocket destination = tailnet.peer.bindUdp(9);
             TailnetDatagramSocket stranger = tailnet.peer.bindUdp(10)) {
            udp.send(new InetSocketAddress(PairedStacks.PEER_V4, 9), new byte[] {1});
            TailnetDatagramSocket.Datagram got = destination.receive(Duration.ofSeconds(10));
            assertThat(got).as("the flow reached its destination").isNotNull();
            // The flow's socket on the bridge's node, as the tailnet sees it, written to from another port.
            stranger.send(got.sender(), "not yours".getBytes(StandardCharsets.US_ASCII));
            awaitTrue(() -> bridge.dataplane().count(BridgeCounters.Event.UDP_REPLY_FROM_ELSEWHERE) == 1,
                    "the stranger's datagram counted");
            destination.send(got.sender(), "yours".getBytes(StandardCharsets.US_ASCII));
            TailnetDatagramSocket.Datagram reply = udp.receive(Duration.ofSeconds(10));
            assertThat(reply.data()).asString(StandardCharsets.US_ASCII).isEqualTo("yours");
            assertThat(reply.sender()).isEqualTo(new InetSocketAddress(PairedStacks.PEER_V4, 9));
        }
    }

    @Test
    void removingADeviceCutsItOffAtOnce() throws Exception {
        try (TestDevice device = enroll("gone")) {
            TailnetSocket s = device.stack.connect(PairedStacks.PEER_V4, 7, 10_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write(1);
            assertThat(s.getInputStream().read()).isEqualTo(1);
            assertThat(bridge.dataplane().relayed("gone")).isEqualTo(1);

            bridge.enrollment().remove("gone");
            // Its relayed connection is closed by the bridge, not left to time out.
            awaitTrue(() -> bridge.dataplane().relayed("gone") == 0, "the device's connection closed");
            assertThatThrownBy(() -> {
                s.getOutputStream().write(2);
                if (s.getInputStream().read() < 0) {
                    throw new IOException("end of stream");
                }
            }).isInstanceOf(IOException.class);
            try (TailnetDatagramSocket udp = device.stack.bindUdp(0)) {
                udp.send(new InetSocketAddress(PairedStacks.PEER_V4, 7), new byte[] {1});
                assertThat(udp.receive(Duration.ofSeconds(1))).isNull();
            }
            long refused = bridge.dataplane().count(Counters.Event.DROPPED_UNKNOWN_INDEX)
                    + bridge.dataplane().count(Counters.Event.DROPPED_UNKNOWN_PEER);
            assertThat(refused).isPositive();
        }
    }

    @Test
    void aPortForwardCarriesATailnetPeersConnectionToTheDeviceUntilItIsRemoved() throws Exception {
        try (TestDevice device = enroll("svc"); var service = device.stack.listen(8080, 4)) {
            Thread.ofVirtual().start(() -> {
                try (TailnetSocket c = service.accept()) {
                    c.getOutputStream().write(("hello " + c.getRemoteSocketAddress().getAddress().getHostAddress())
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the assertion below reports it
                }
            });
            // The device must have spoken first: the bridge learns where it is from its handshake.
            try (TailnetDatagramSocket udp = device.stack.bindUdp(0)) {
                udp.send(new InetSocketAddress(PairedStacks.PEER_V4, 7), new byte[] {1});
                assertThat(udp.receive(Duration.ofSeconds(10))).isNotNull();
            }
            bridge.enrollment().forward("svc", PortForward.Protocol.TCP, 9000, 8080);
            TailnetSocket c = awaitConnect(PairedStacks.NODE_V4, 9000);
            c.setSoTimeout(10_000);
            // The device sees the bridge's device-side address as the caller.
            assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("hello 10.90.0.1");
            c.close();
            assertThat(bridge.dataplane().count(BridgeCounters.Event.TCP_CONNECTIONS_FORWARDED)).isEqualTo(1);

            // A forward to a port the device does not serve resets the caller, as the device refused.
            bridge.enrollment().forward("svc", PortForward.Protocol.TCP, 9001, 8081);
            TailnetSocket refused = awaitConnect(PairedStacks.NODE_V4, 9001);
            refused.setSoTimeout(10_000);
            assertThatThrownBy(() -> refused.getInputStream().read()).isInstanceOf(java.net.SocketException.class)
                    .hasMessageContaining("reset");
            refused.close();

            bridge.enrollment().unforward(PortForward.Protocol.TCP, 9000);
            Thread.sleep(LopowerBridge.WATCH_MILLIS * 3);
            assertThatThrownBy(() -> tailnet.peer.connect(PairedStacks.NODE_V4, 9000, 2000))
                    .isInstanceOf(java.net.ConnectException.class);
        }
    }

    @Test
    void aUdpPortForwardGivesEachTailnetSenderAFlowOfItsOwnToTheDeviceUntilIdleOrRemoved() throws Exception {
        try (TestDevice device = enroll("meter"); TailnetDatagramSocket service = device.stack.bindUdp(5683);
             TailnetDatagramSocket stray = device.stack.bindUdp(5684);
             TailnetDatagramSocket callerA = tailnet.peer.bindUdp(0);
             TailnetDatagramSocket callerB = tailnet.peer.bindUdp(0)) {
            // The device's service answers each datagram with who sent it; its other port answers too, uninvited.
            service.onReceive(d -> {
                byte[] who = (d.sender().getAddress().getHostAddress() + " " + new String(d.data(),
                        StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
                service.send(d.sender(), who);
                stray.send(d.sender(), "stray".getBytes(StandardCharsets.US_ASCII));
            });
            try (TailnetDatagramSocket udp = device.stack.bindUdp(0)) {
                udp.send(new InetSocketAddress(PairedStacks.PEER_V4, 7), new byte[] {1});
                assertThat(udp.receive(Duration.ofSeconds(10))).as("the device has spoken to the bridge").isNotNull();
            }
            bridge.enrollment().forward("meter", PortForward.Protocol.UDP, 9053, 5683);
            InetSocketAddress forwarded = new InetSocketAddress(PairedStacks.NODE_V4, 9053);
            byte[] big = new byte[1200];
            new Random(3).nextBytes(big);
            TailnetDatagramSocket.Datagram a = null;
            for (int i = 0; i < 40 && a == null; i++) { // the bridge opens the port within a second
                callerA.send(forwarded, "a".getBytes(StandardCharsets.US_ASCII));
                a = callerA.receive(Duration.ofMillis(250));
            }
            assertThat(a).as("a reply through the UDP forward").isNotNull();
            assertThat(a.sender()).isEqualTo(forwarded);
            assertThat(new String(a.data(), StandardCharsets.US_ASCII)).isEqualTo("10.90.0.1 a");
            callerB.send(forwarded, "b".getBytes(StandardCharsets.US_ASCII));
            TailnetDatagramSocket.Datagram b = callerB.receive(Duration.ofSeconds(10));
            assertThat(new String(b.data(), StandardCharsets.US_ASCII)).isEqualTo("10.90.0.1 b");
            assertThat(callerA.receive(Duration.ofMillis(300))).as("B's reply went to B alone").isNull();
            assertThat(bridge.dataplane().count(BridgeCounters.Event.UDP_FLOWS_FORWARDED)).isEqualTo(2);
            assertThat(bridge.dataplane().count(BridgeCounters.Event.UDP_REPLY_FROM_ELSEWHERE)).isPositive();
            byte[] bigReplyPrefix = "10.90.0.1 ".getBytes(StandardCharsets.US_ASCII);
            callerA.send(forwarded, big);
            TailnetDatagramSocket.Datagram whole = callerA.receive(Duration.ofSeconds(10));
            assertThat(whole.data()).hasSize(bigReplyPrefix.length + big.length);

            // This bridge closes flows idle for 1 s.
            awaitTrue(() -> bridge.dataplane().relayed("meter") == 0, "idle forwarded flows reclaimed");
            bridge.enrollment().unforward(PortForward.Protocol.UDP, 9053);
            Thread.sleep(LopowerBridge.WATCH_MILLIS * 3);
            callerA.send(forwarded, "gone".getBytes(StandardCharsets.US_ASCII));
            assertThat(callerA.receive(Duration.ofMillis(500))).as("the port is closed").isNull();
        }
    }

    private TailnetSocket awaitConnect(InetAddress to, int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return tailnet.peer.connect(to, port, 2000);
            } catch (IOException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("no forward on port " + port, e);
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void anUnknownKeyIsDroppedAndCounted() throws Exception {
        Enrollment elsewhere = Enrollment.open(dir.resolve("other"), null);
        EnrolledDevice stranger = elsewhere.add("stranger", null, "127.0.0.1:" + port, 0);
        try (TestDevice d = TestDevice.of(stranger, bridge.enrollment().bridgePublicKey(), port);
             TailnetDatagramSocket udp = d.stack.bindUdp(0)) {
            udp.send(new InetSocketAddress(PairedStacks.PEER_V4, 7), new byte[] {1});
            awaitTrue(() -> bridge.dataplane().count(Counters.Event.DROPPED_UNKNOWN_PEER) >= 1, "unknown key counted");
            assertThat(udp.receive(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void aRestartedBridgeServesTheSameDevicesWithTheSameConfiguration() throws Exception {
        try (TestDevice device = enroll("steady"); TailnetDatagramSocket udp = device.stack.bindUdp(0)) {
            String config = bridge.enrollment().show("steady").config();
            udp.send(new InetSocketAddress(PairedStacks.PEER_V4, 7), new byte[] {1});
            assertThat(udp.receive(Duration.ofSeconds(10))).isNotNull();

            bridge.close();
            bridge = LopowerBridge.start(dir, null, tailnet, Duration.ofSeconds(1), LopowerBridgeTest::dnsStandIn, null);
            assertThat(bridge.enrollment().show("steady").config()).isEqualTo(config);
            // The device finds out by itself that the bridge lost the session (WireGuard's
            // 15 s without an answer), and its next handshake is answered with the same keys.
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            TailnetDatagramSocket.Datagram echo = null;
            while (echo == null && System.nanoTime() - deadline < 0) {
                udp.send(new InetSocketAddress(PairedStacks.PEER_V4, 7), new byte[] {2});
                echo = udp.receive(Duration.ofSeconds(1));
            }
            assertThat(echo).as("an echo through the restarted bridge").isNotNull();
        }
    }

    @Test
    void aSecondBridgeOnThePortGetsOneClearLine() {
        assertThatThrownBy(() -> LopowerBridge.start(dir, null, tailnet, Duration.ofSeconds(1), LopowerBridgeTest::dnsStandIn, null))
                .isInstanceOf(LopowerException.class).hasMessageStartingWith("UDP port " + port + " is in use");
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
