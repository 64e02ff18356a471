package io.microlink.lopower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.lopower.bridge.BridgeDataplane;
import io.microlink.netstack.relay.RelayTarget;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tailnet to device by the device's own address: what the bridge node's relay does with a
 * peer's connection, flow and ping to the device prefixes, through the target the node is
 * given ({@link DeviceRoutes#advertiseOn}), against devices of our own WireGuard engine.
 */
class DeviceRoutesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final InetAddress NOBODY = InetAddress.ofLiteral("10.90.0.77");

    @TempDir
    Path dir;
    private PairedStacks tailnet;
    private DeviceRoutes routes;
    private LopowerBridge bridge;
    private int port;

    @BeforeEach
    void start() throws Exception {
        tailnet = new PairedStacks();
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        BridgeNetwork network = new BridgeNetwork("fd7a:115c:a1e0:9909::/64", "10.90.0.0/24", port);
        routes = DeviceRoutes.of(dir, network);
        bridge = LopowerBridge.start(dir, network, tailnet, Duration.ofSeconds(1), LopowerBridgeTest::dnsStandIn, routes);
    }

    @AfterEach
    void stop() {
        bridge.close();
        tailnet.close();
    }

    @Test
    void theRoutesAreTheDevicePrefixesAsControlWritesThem() {
        assertThat(routes.prefixes()).containsExactly("fd7a:115c:a1e0:9909::/64", "10.90.0.0/24");
    }

    @Test
    void aPeerReachesAHeardFromDeviceByEitherOfItsAddressesOverTcpUdpAndPing() throws Exception {
        try (TestDevice device = enroll("sensor"); TailnetServerSocket web = device.stack.listen(80, 4);
             TailnetDatagramSocket echo = device.stack.bindUdp(5683)) {
            Thread.ofVirtual().start(() -> greet(web));
            echo.onReceive(d -> echo.send(d.sender(), d.data()));
            List<InetAddress> addresses = bridge.enrollment().show("sensor").addresses();
            // Until the device has spoken, the bridge does not know where it is: refused at once.
            assertRefusedAtOnce(addresses.getFirst());

            speak(device);
            for (InetAddress a : addresses) {
                try (StreamConnection c = routes.target().dial(new InetSocketAddress(a, 80), TIMEOUT)) {
                    c.setSoTimeout((int) TIMEOUT.toMillis());
                    // The device sees the bridge's own device-side address of the same family.
                    String from = a.getAddress().length == 4 ? "10.90.0.1" : "fd7a:115c:a1e0:9909:0:0:0:1";
                    assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                            .isEqualTo("hello " + from);
                }
                BlockingQueue<byte[]> replies = new ArrayBlockingQueue<>(4);
                try (RelayTarget.Datagrams flow = routes.target().openUdp(new InetSocketAddress(a, 5683),
                        replies::add)) {
                    byte[] datagram = new byte[1400];
                    datagram[7] = 7;
                    flow.send(datagram);
                    assertThat(replies.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("echo from " + a)
                            .isEqualTo(datagram);
                }
                assertThat(routes.target().ping(a, TIMEOUT)).as("ping of " + a).isTrue();
            }
            assertThat(bridge.counters()).containsEntry("tcp_connections_routed", 2L)
                    .containsEntry("udp_flows_routed", 2L).containsEntry("pings_routed", 2L);
            assertThat(bridge.dataplane().routed("sensor")).as("all closed again").isZero();
        }
    }

    /** Nor the bridge's own device-side addresses: its DNS server is for the devices, not an open resolver for the tailnet. */
    @Test
    void anAddressOfThePrefixesNoDeviceHoldsIsRefusedAtOnce() throws Exception {
        try (TestDevice device = enroll("sensor")) {
            speak(device);
            assertRefusedAtOnce(NOBODY);
            assertRefusedAtOnce(InetAddress.ofLiteral("10.90.0.1"));
            assertRefusedAtOnce(InetAddress.ofLiteral("fd7a:115c:a1e0:9909::1"));
            assertThat(bridge.counters().get("refused_no_device")).isEqualTo(9);
        }
    }

    /**
     * The node's relay answers a datagram or ping to an address with no device at once with ICMP
     * host unreachable ({@code RelayTarget.hasHost} false), as a router does; a device that was
     * heard from is there, and the IPv4 prefix's broadcast address is never said to be absent,
     * so no error answers a broadcast.
     */
    @Test
    void onlyAHeardFromDeviceIsAHostSoTheRelayAnswersTheRestWithUnreachable() throws Exception {
        try (TestDevice device = enroll("sensor")) {
            List<InetAddress> addresses = bridge.enrollment().show("sensor").addresses();
            assertThat(routes.target().hasHost(addresses.getFirst())).as("not heard from yet").isFalse();
            speak(device);
            for (InetAddress a : addresses) {
                assertThat(routes.target().hasHost(a)).as(a.toString()).isTrue();
            }
            assertThat(routes.target().hasHost(NOBODY)).isFalse();
            assertThat(routes.target().hasHost(InetAddress.ofLiteral("fd7a:115c:a1e0:9909::77"))).isFalse();
            assertThat(routes.target().hasHost(InetAddress.ofLiteral("10.90.0.255"))).as("broadcast").isTrue();
            assertThat(bridge.counters().get("refused_no_device")).isEqualTo(3);
        }
    }

    /**
     * A device holds its share of the tailnet's connections from the first SYN: one that never
     * answers fills it with handshakes, the next is refused at once, and the share comes back as
     * they time out.
     */
    @Test
    void aDeviceHoldsAtMostItsShareOfTheTailnetsConnectionsHalfOpenOnesIncluded() throws Exception {
        try (TestDevice device = enroll("slow")) {
            speak(device);
            device.deaf(true);
            InetSocketAddress to = new InetSocketAddress(bridge.enrollment().show("slow").addresses().getLast(), 80);
            int share = BridgeDataplane.TCP_PER_DEVICE;
            for (int i = 0; i < share; i++) {
                Thread.ofVirtual().start(() -> {
                    try {
                        routes.target().dial(to, Duration.ofSeconds(3)).close();
                    } catch (IOException e) {
                        // timed out, as a device that never answers makes it
                    }
                });
            }
            awaitRouted("slow", share);
            assertThatThrownBy(() -> routes.target().dial(to, TIMEOUT)).isInstanceOf(ConnectException.class)
                    .hasMessageContaining("holds all");
            assertThat(bridge.counters().get("refused_device_limit")).isEqualTo(1);
            awaitRouted("slow", 0);
        }
    }

    @Test
    void removingADeviceClosesThePeersConnectionsToItAndRefusesNewOnes() throws Exception {
        try (TestDevice device = enroll("gone"); TailnetServerSocket held = device.stack.listen(80, 4)) {
            Thread.ofVirtual().start(() -> {
                try {
                    TailnetSocket s = held.accept();
                    s.getOutputStream().write(1); // and keeps it open
                } catch (IOException e) {
                    // the assertions below report it
                }
            });
            speak(device);
            InetAddress address = bridge.enrollment().show("gone").addresses().getLast();
            StreamConnection c = routes.target().dial(new InetSocketAddress(address, 80), TIMEOUT);
            c.setSoTimeout((int) TIMEOUT.toMillis());
            assertThat(c.getInputStream().read()).isEqualTo(1);
            assertThat(bridge.dataplane().routed("gone")).isEqualTo(1);

            bridge.enrollment().remove("gone");
            awaitRouted("gone", 0);
            assertThatThrownBy(() -> {
                if (c.getInputStream().read() < 0) {
                    throw new IOException("end of stream");
                }
            }).isInstanceOf(IOException.class);
            assertRefusedAtOnce(address);
        }
    }

    @Test
    void withoutARunningBridgeOrWithAnotherDirectorysRoutesNothingIsServed() throws Exception {
        DeviceRoutes other = DeviceRoutes.of(dir.resolve("other"), new BridgeNetwork("fd7a:115c:a1e0:9910::/64", null,
                1));
        assertThatThrownBy(() -> other.target().dial(new InetSocketAddress(NOBODY, 80), TIMEOUT))
                .isInstanceOf(ConnectException.class).hasMessageContaining("not running");
        assertThat(other.target().ping(NOBODY, TIMEOUT)).isFalse();
        // The bridge on this directory already serves `routes`; another bridge of it would take them twice.
        bridge.close();
        assertThatThrownBy(() -> LopowerBridge.start(dir, null, tailnet, Duration.ofSeconds(1),
                LopowerBridgeTest::dnsStandIn, other)).isInstanceOf(LopowerException.class)
                .hasMessageContaining("not this bridge's");
        bridge = LopowerBridge.start(dir, null, tailnet, Duration.ofSeconds(1), LopowerBridgeTest::dnsStandIn, routes);
        int freePort;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            freePort = probe.getLocalPort();
        }
        BridgeNetwork same = new BridgeNetwork("fd7a:115c:a1e0:9909::/64", "10.90.0.0/24", freePort);
        try (PairedStacks second = new PairedStacks()) {
            assertThatThrownBy(() -> LopowerBridge.start(dir.resolve("again"), same, second, Duration.ofSeconds(1),
                    LopowerBridgeTest::dnsStandIn, routes)).isInstanceOf(LopowerException.class)
                    .hasMessageContaining("served by a running bridge");
        }
    }

    private TestDevice enroll(String name) throws Exception {
        EnrolledDevice d = bridge.enrollment().add(name, null, "127.0.0.1:" + port, 0);
        Thread.sleep(LopowerBridge.WATCH_MILLIS * 2); // the bridge picks the new device up
        return TestDevice.of(d, bridge.enrollment().bridgePublicKey(), port);
    }

    /** A DNS query to the bridge and its answer: the bridge has heard from the device. */
    private static void speak(TestDevice device) throws IOException {
        try (TailnetDatagramSocket udp = device.stack.bindUdp(0)) {
            udp.send(new InetSocketAddress(InetAddress.ofLiteral("10.90.0.1"), 53), new byte[] {1});
            assertThat(udp.receive(TIMEOUT)).as("the bridge answered the device").isNotNull();
        }
    }

    /** TCP, UDP and ping to {@code address} each fail well within the relay's timeouts. */
    private void assertRefusedAtOnce(InetAddress address) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> routes.target().dial(new InetSocketAddress(address, 80), TIMEOUT))
                .isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> routes.target().openUdp(new InetSocketAddress(address, 5683), b -> { }))
                .isInstanceOf(IOException.class);
        assertThat(routes.target().ping(address, TIMEOUT)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    private void awaitRouted(String device, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (bridge.dataplane().routed(device) != count) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(device + " still holds " + bridge.dataplane().routed(device));
            }
            Thread.sleep(50);
        }
    }

    private static void greet(TailnetServerSocket server) {
        while (true) {
            try (TailnetSocket c = server.accept()) {
                c.getOutputStream().write(("hello " + c.getRemoteSocketAddress().getAddress().getHostAddress())
                        .getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                return;
            }
        }
    }
}
