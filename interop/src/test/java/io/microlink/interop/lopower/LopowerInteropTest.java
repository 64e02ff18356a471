package io.microlink.interop.lopower;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.microlink.TailnetNode;
import io.microlink.daemon.lopower.BridgePage;
import io.microlink.interop.Await;
import io.microlink.interop.Chromium;
import io.microlink.interop.Dnsmasq;
import io.microlink.interop.Exec;
import io.microlink.interop.FreePorts;
import io.microlink.interop.NamespaceResolvConf;
import io.microlink.interop.NetworkNamespaces;
import io.microlink.interop.PingReply;
import io.microlink.interop.Socks5UdpAssociation;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import io.microlink.interop.WireGuardGo;
import io.microlink.lopower.BridgeNetwork;
import io.microlink.lopower.DeviceRoutes;
import io.microlink.lopower.EnrolledDevice;
import io.microlink.lopower.LopowerBridge;
import io.microlink.lopower.PortForward;
import io.microlink.web.WebServer;
import io.microlink.web.WebToken;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The LOPOWER bridge against real peers: a Debian wireguard-go device in a network namespace
 * of its own, configured from the configuration the bridge printed ({@code wg-quick strip}
 * into {@code wg setconf}), reaches a tailscaled node's HTTP and UDP echo servers by tailnet
 * address through the bridge (an in-process bridge with its own tailnet node), and nothing on
 * the bridge host's own network; tailscaled reaches a service on the device through a port
 * forward. The QR code is read back by zbarimg, a decoder of its own.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LopowerInteropTest {
    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final Duration FIRST_CONTACT = Duration.ofSeconds(45);
    private static final String BODY = "behind tailscaled " + UUID.randomUUID() + "\n";
    private static final String HOST_SIDE = "10.205.0.1";
    private static final String DEVICE_SIDE = "10.205.0.2";
    /** A second address of the bridge host on the device's link: its "LAN", which devices must not reach. */
    private static final String HOST_LAN = "10.205.0.3";
    private static final String HOST_SIDE6 = "10.206.0.1";

    private static final String ALLOW_ALL = """
            {"acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}""";
    /** The tailnet's nodes (headscale numbers them within its first /64), but not the device prefixes. */
    private static final String NODES_ONLY = """
            {"acls": [{"action": "accept", "src": ["*"], "dst": ["100.64.0.0/10:*", "fd7a:115c:a1e0::/64:*"]}]}""";

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.withPolicy(ALLOW_ALL);

    private static HttpServer web;
    private static DatagramSocket udpEcho;
    private static final List<Integer> udpReceived = new CopyOnWriteArrayList<>();
    private static ServerSocket lanServer;
    private static Tailscaled real;
    private static String realIpv4;
    private static String realIpv6;
    private static TailnetNode bridgeNode;
    /** The first bridge's device prefixes, which its node advertises. */
    private static DeviceRoutes routes;
    private static LopowerBridge bridge;
    private static NetworkNamespaces net;
    private static String ns;
    private static WireGuardGo device;
    private static EnrolledDevice enrolled;
    /** A loopback address of its own for the resolver the bridge forwards to, so port 53 is free. */
    private static final InetAddress RESOLVER = InetAddress.ofLiteral("127.53." + (1 + new Random().nextInt(254)) + "."
            + (1 + new Random().nextInt(254)));
    private static Dnsmasq dnsmasq;
    /** A second bridge on the same node with no IPv4 on its device side, and its device in a namespace of its own. */
    private static LopowerBridge bridge6;
    private static String ns6;
    private static WireGuardGo device6;
    /** The devices' resolv.conf files, which {@code ip netns exec} mounts over /etc/resolv.conf, as wg-quick's DNS line would set it. */
    private static final List<NamespaceResolvConf> resolvConfs = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/", exchange -> {
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        web.start();
        udpEcho = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.startVirtualThread(LopowerInteropTest::echoUdp);

        real = tailnet.addNode("real");
        realIpv4 = real.ip("-4").getFirst();
        realIpv6 = real.ip("-6").getFirst();
        int port = FreePorts.udp();
        BridgeNetwork network = new BridgeNetwork(BridgeNetwork.DEFAULT.ipv6Prefix(), BridgeNetwork.DEFAULT.ipv4Prefix(),
                port);
        routes = DeviceRoutes.of(tailnet.dir().resolve("bridge"), network);
        bridgeNode = tailnet.addJavaNode("lopower", real, routes::advertiseOn);
        // This tailnet's DNS config names no resolvers: other names go to the bridge's own upstream.
        dnsmasq = Dnsmasq.start(Files.createTempDirectory("microlink-dnsmasq"), RESOLVER, 53, "fwd.test",
                List.of("--host-record=www.fwd.test,192.0.2.80"));
        bridge = LopowerBridge.start(tailnet.dir().resolve("bridge"), network, bridgeNode, List.of(dnsmasq.address()),
                routes);

        net = tailnet.namespaces();
        ns = net.create("lpdev");
        String hostVeth = net.linkToSelf(HOST_SIDE + "/24", ns, DEVICE_SIDE + "/24").getFirst();
        Exec.run(COMMAND, List.of("ip", "addr", "add", HOST_LAN + "/32", "dev", hostVeth)).requireSuccess();
        lanServer = new ServerSocket(0);
        Thread.startVirtualThread(LopowerInteropTest::serveLan);

        enrolled = bridge.enrollment().add("dev1", null, HOST_SIDE + ":" + port, 0);
        device = WireGuardGo.start(net, ns, tailnet.dir(), 0);
        device.configureFromWgQuick(enrolled.config());
        // A device may send anywhere; this one also routes the host's LAN address into the tunnel.
        exec("wg", "set", device.interfaceName(), "peer", bridge.enrollment().bridgePublicKey(), "allowed-ips",
                String.join(",", allowedIps(enrolled.config())) + "," + HOST_LAN + "/32").requireSuccess();
        exec("ip", "route", "add", HOST_LAN + "/32", "dev", device.interfaceName()).requireSuccess();
        useBridgeDns(ns, enrolled.config());

        int port6 = FreePorts.udp();
        bridge6 = LopowerBridge.start(tailnet.dir().resolve("bridge6"),
                new BridgeNetwork(BridgeNetwork.DEFAULT.ipv6Prefix(), null, port6), bridgeNode, List.of(dnsmasq.address()));
        ns6 = net.create("lpdev6");
        net.linkToSelf(HOST_SIDE6 + "/24", ns6, "10.206.0.2/24");
        EnrolledDevice enrolled6 = bridge6.enrollment().add("dev6", null, HOST_SIDE6 + ":" + port6, 0);
        device6 = WireGuardGo.start(net, ns6, tailnet.dir(), 0);
        device6.configureFromWgQuick(enrolled6.config());
        useBridgeDns(ns6, enrolled6.config());
    }

    /** The configuration's DNS servers as the namespace's resolvers. */
    private static void useBridgeDns(String namespace, String config) throws IOException {
        resolvConfs.add(NamespaceResolvConf.write(namespace, field(config, "DNS").stream()
                .map(a -> "nameserver " + a + "\n").collect(java.util.stream.Collectors.joining())));
    }

    private static List<String> allowedIps(String config) {
        return field(config, "AllowedIPs");
    }

    private static List<String> field(String config, String key) {
        return WireGuardGo.wgQuickField(config, key);
    }

    private static void echoUdp() {
        byte[] buf = new byte[65535];
        try {
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udpEcho.receive(p);
                udpReceived.add(p.getLength());
                udpEcho.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static void serveLan() {
        try {
            while (true) {
                try (Socket s = lanServer.accept()) {
                    s.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nlan\n".getBytes(
                            StandardCharsets.US_ASCII));
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    @AfterAll
    static void stop() throws IOException {
        for (NamespaceResolvConf file : resolvConfs) {
            file.close();
        }
        if (device6 != null) {
            device6.close();
        }
        if (bridge6 != null) {
            bridge6.close();
        }
        if (dnsmasq != null) {
            dnsmasq.close();
        }
        if (device != null) {
            device.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (web != null) {
            web.stop(0);
        }
        if (udpEcho != null) {
            udpEcho.close();
        }
        if (lanServer != null) {
            lanServer.close();
        }
    }

    @Test
    @Order(1)
    void theQrPngReadByZbarimgIsTheConfigurationByteForByte() throws Exception {
        Path png = tailnet.dir().resolve("dev1.png");
        Files.write(png, enrolled.qrPng());
        Exec.Result r = Exec.run(COMMAND, List.of("zbarimg", "--raw", "--quiet", png.toString())).requireSuccess();
        // zbarimg ends each symbol it prints with a newline of its own.
        assertThat(r.stdout()).isEqualTo(enrolled.config() + "\n");
    }

    @Test
    @Order(2)
    void curlOnTheDeviceFetchesThePageBehindTailscaledOverBothFamilies() {
        int port = web.getAddress().getPort();
        String v4 = "http://" + realIpv4 + ":" + port + "/";
        Await.until(FIRST_CONTACT, "the device's first page through the bridge", () -> curl(v4).succeeded());
        assertThat(curl(v4).requireSuccess().stdout()).isEqualTo(BODY);
        assertThat(curl("http://[" + realIpv6 + "]:" + port + "/").requireSuccess().stdout()).isEqualTo(BODY);
    }

    /**
     * The configuration's DNS line names the bridge: dig asks both its addresses a tailscaled
     * node's short and full MagicDNS names, answered as the node's own 100.100.100.100 answers
     * (its IPv4 address; tailscale gives a dual-stack peer no AAAA), and a name outside the
     * tailnet, forwarded to the bridge's upstream (dnsmasq), over UDP and TCP; curl fetches the
     * page by name.
     */
    @Test
    @Order(3)
    void theBridgeAnswersMagicDnsNamesAndForwardsOthersAndCurlFetchesByName() {
        String[] names = realNames();
        for (String server : field(enrolled.config(), "DNS")) {
            for (String name : names) {
                assertThat(dig(ns, server, name, "A")).as("A of " + name + " from " + server).containsExactly(realIpv4);
            }
        }
        assertThat(dig(ns, "10.90.0.1", names[0], "A", "+tcp")).as("over TCP").containsExactly(realIpv4);
        assertThat(dig(ns, "fd7a:115c:a1e0:9909::1", "www.fwd.test", "A")).containsExactly("192.0.2.80");
        assertThat(dig(ns, "fd7a:115c:a1e0:9909::1", "www.fwd.test", "A", "+tcp")).as("forwarded over TCP")
                .containsExactly("192.0.2.80");
        assertThat(dnsmasq.log(50)).containsIgnoringCase("query[A] www.fwd.test");
        String byName = "http://" + names[1] + ":" + web.getAddress().getPort() + "/";
        assertThat(curl(byName).requireSuccess().stdout()).isEqualTo(BODY);
    }

    /** With no IPv4 on the device side, tailnet names answer with IPv6 only: AAAA, and no A record. */
    @Test
    @Order(3)
    void aBridgeWithoutIpv4AnswersAaaaAndNoA() {
        for (String name : realNames()) {
            assertThat(dig(ns6, "fd7a:115c:a1e0:9909::1", name, "AAAA").stream().map(InetAddress::ofLiteral))
                    .as("AAAA of " + name).containsExactly(InetAddress.ofLiteral(realIpv6));
            assertThat(dig(ns6, "fd7a:115c:a1e0:9909::1", name, "A")).as("A of " + name).isEmpty();
        }
        String byName = "http://" + realNames()[1] + ":" + web.getAddress().getPort() + "/";
        assertThat(net.exec(ns6, COMMAND, "curl", "-sS", "--max-time", "10", byName).requireSuccess().stdout())
                .isEqualTo(BODY);
    }

    /** The tailscaled node's short and full MagicDNS names, from the bridge node's netmap. */
    private static String[] realNames() {
        io.microlink.Peer peer = bridgeNode.tailnet().peers().stream()
                .filter(p -> p.addresses().contains(InetAddress.ofLiteral(realIpv4))).findFirst().orElseThrow();
        String fqdn = peer.fqdn().endsWith(".") ? peer.fqdn().substring(0, peer.fqdn().length() - 1) : peer.fqdn();
        return new String[] {peer.shortName(), fqdn};
    }

    @Test
    @Order(4)
    void plainPingOnTheDeviceIsAnsweredForTheTailscaledNode() {
        assertThat(exec("ping", "-c", "3", "-i", "0.3", "-W", "5", realIpv4).requireSuccess().stdout())
                .contains("3 received");
        assertThat(exec("ping", "-6", "-c", "2", "-i", "0.3", "-W", "5", realIpv6).requireSuccess().stdout())
                .contains("2 received");
        assertThat(count("pings_answered")).isGreaterThanOrEqualTo(5);
    }

    @Test
    @Order(5)
    void a1400ByteDatagramComesBackWhole() throws Exception {
        byte[] datagram = new byte[1400];
        new Random(7).nextBytes(datagram);
        Path file = tailnet.dir().resolve("datagram.bin");
        Files.write(file, datagram);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(datagram));
        // One datagram out; socat then waits up to 3 s for what comes back, and prints it.
        String command = "socat -t 3 - UDP4:" + realIpv4 + ":" + udpEcho.getLocalPort() + " < " + file + " | sha256sum";
        String digest = Await.result(FIRST_CONTACT, "a whole 1400-byte echo", () -> {
            Exec.Result r = net.exec(ns, COMMAND, "sh", "-c", command);
            return r.stdout().startsWith(expected) ? expected : null;
        });
        assertThat(digest).isEqualTo(expected);
        assertThat(udpReceived).contains(1400);
    }

    @Test
    @Order(6)
    void aDatagramFromAnotherDevicesAddressIsDroppedAndCounted() throws Exception {
        EnrolledDevice other = bridge.enrollment().add("dev2", null, HOST_SIDE + ":1", 0);
        String otherV4 = other.addresses().getLast().getHostAddress();
        exec("ip", "addr", "add", otherV4 + "/32", "dev", device.interfaceName()).requireSuccess();
        long before = count("dropped_source_not_allowed");
        int received = udpReceived.size();
        exec("sh", "-c", "echo forged | socat -u - UDP4:" + realIpv4 + ":" + udpEcho.getLocalPort() + ",bind="
                + otherV4).requireSuccess();
        Await.until(COMMAND, "the forged datagram counted", () -> count("dropped_source_not_allowed") > before);
        Thread.sleep(500);
        assertThat(udpReceived).hasSize(received);
    }

    @Test
    @Order(7)
    void aServerOnTheBridgeHostsOwnNetworkIsUnreachableThroughTheBridge() {
        String url = "http://" + HOST_LAN + ":" + lanServer.getLocalPort() + "/";
        // The server is there: the device reaches it over its own link, outside the tunnel.
        assertThat(curl("http://" + HOST_SIDE + ":" + lanServer.getLocalPort() + "/").requireSuccess().stdout())
                .isEqualTo("lan\n");
        long before = count("dropped_not_tailnet");
        assertThat(curlWithin(3, url).succeeded()).isFalse();
        assertThat(count("dropped_not_tailnet")).isGreaterThan(before);
    }

    @Test
    @Order(8)
    void tailscaleNcReachesAServiceOnTheDeviceThroughAPortForward() throws Exception {
        String reply = "device service " + UUID.randomUUID() + "\n";
        Path script = tailnet.dir().resolve("device-service.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s' '" + reply + "'\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        try (var service = net.start(ns, "device service", List.of("socat", "TCP-LISTEN:8080,reuseaddr,fork",
                "EXEC:" + script), java.util.Map.of(), tailnet.dir().resolve("device-service.log"))) {
            bridge.enrollment().forward("dev1", PortForward.Protocol.TCP, 9080, 8080);
            String bridgeIp = io.microlink.AddressText.of(bridgeNode.tailnet().self().orElseThrow().addresses()
                    .getFirst());
            byte[] got = Await.result(FIRST_CONTACT, "tailscale nc to the device through the bridge", () -> {
                try {
                    byte[] b = real.nc(bridgeIp, 9080, new byte[0], reply.length(), Duration.ofSeconds(5));
                    return b.length == reply.length() ? b : null;
                } catch (RuntimeException e) {
                    return null;
                }
            });
            assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo(reply);
            assertThat(count("tcp_connections_forwarded")).isPositive();
        }
    }

    /**
     * UDP the other way: tailscaled (through its SOCKS5 UDP association) sends datagrams to UDP
     * forwards on the bridges' tailnet address, and two devices' echo services (one per bridge,
     * IPv4 and IPv6-only) answer; each reply comes back whole from the forwarded port.
     */
    @Test
    @Order(8)
    void tailscaledsUdpReachesEchoServicesOnTwoDevicesThroughUdpForwards() throws Exception {
        List<String> echo4 = List.of("socat", "UDP4-LISTEN:5683,fork,reuseaddr", "EXEC:cat");
        List<String> echo6 = List.of("socat", "UDP6-LISTEN:5683,fork,reuseaddr", "EXEC:cat");
        try (var service = net.start(ns, "device UDP echo", echo4, java.util.Map.of(),
                tailnet.dir().resolve("device-udp.log"));
             var service6 = net.start(ns6, "device6 UDP echo", echo6, java.util.Map.of(),
                     tailnet.dir().resolve("device6-udp.log"));
             Socks5UdpAssociation viaReal = Socks5UdpAssociation.open(real.socks5Port())) {
            bridge.enrollment().forward("dev1", PortForward.Protocol.UDP, 9053, 5683);
            bridge6.enrollment().forward("dev6", PortForward.Protocol.UDP, 9054, 5683);
            InetAddress bridgeIp = bridgeNode.tailnet().self().orElseThrow().addresses().getFirst();
            byte[] payload = new byte[1200];
            new Random(8).nextBytes(payload);
            for (int port : new int[] {9053, 9054}) {
                InetSocketAddress forwarded = new InetSocketAddress(bridgeIp, port);
                Socks5UdpAssociation.Reply reply = Await.result(FIRST_CONTACT, "a UDP echo through forward " + port, () -> {
                    try {
                        viaReal.send(forwarded, payload);
                        return viaReal.receive(Duration.ofSeconds(1));
                    } catch (IOException e) {
                        return null;
                    }
                });
                assertThat(reply.from()).isEqualTo(forwarded);
                assertThat(reply.data()).isEqualTo(payload);
            }
            assertThat(count("udp_flows_forwarded")).isPositive();
            assertThat(bridge6.counters().getOrDefault("udp_flows_forwarded", 0L)).isPositive();
        }
    }

    /**
     * The Devices page in headless Chromium, from localhost with the bridge's token: the device
     * that has been talking is listed online, a new one is enrolled from the form and its QR code
     * and configuration shown (the same text the registry gives), then removed with its button.
     * Phone-sized screenshots of the list and of the new device's QR code go to
     * {@code target/lopower-screenshots}.
     */
    @Test
    @Order(8)
    void theDevicesPageEnrollsShowsTheQrCodeAndRemoves() throws Exception {
        int port = FreePorts.tcp();
        Path dir = tailnet.dir().resolve("bridge");
        Duration page = Duration.ofSeconds(30);
        try (WebServer web = BridgePage.start(dir, bridgeNode, bridge, port);
             Chromium browser = Chromium.direct(tailnet.dir().resolve("chromium-lopower"))) {
            browser.viewport(412, 900, true);
            String token = Files.readString(dir.resolve(WebToken.FILE_NAME)).strip();
            browser.load("http://127.0.0.1:" + port + "/devices?token=" + token);
            // The Devices link joins the nav when /api/status answers, which may come after the list.
            browser.waitFor("document.querySelector('tr[data-device=\"dev1\"] .badge.ok') !== null"
                    + " && document.querySelector('nav a.here') !== null", page);
            assertThat(browser.eval("document.querySelector('nav a.here').textContent").asText()).isEqualTo("Devices");

            browser.eval("document.getElementById('name').value = 'web1';"
                    + " document.getElementById('endpoint').value = '" + HOST_SIDE + ":1';"
                    + " document.querySelector('#add button[type=submit]').click()");
            browser.waitFor("!document.getElementById('enrolled').hidden"
                    + " && document.getElementById('qr').complete && document.getElementById('qr').naturalWidth > 0"
                    + " && document.querySelector('tr[data-device=\"web1\"]') !== null", page);
            String shown = browser.eval("document.getElementById('config').textContent").asText();
            assertThat(shown).isEqualTo(bridge.enrollment().show("web1").config()).contains("PersistentKeepalive = 25");
            Path shots = Path.of("target", "lopower-screenshots");
            assertThat(browser.screenshot(shots.resolve("devices.png")).length).isGreaterThan(2000);
            browser.eval("document.getElementById('enrolled').scrollIntoView()");
            assertThat(browser.screenshot(shots.resolve("devices-enrolled.png")).length).isGreaterThan(2000);

            browser.eval("window.confirm = () => true;"
                    + " document.querySelector('tr[data-device=\"web1\"] button.remove').click()");
            browser.waitFor("document.querySelector('tr[data-device=\"web1\"]') === null", page);
            assertThat(bridge.enrollment().list()).extracting(EnrolledDevice::name).doesNotContain("web1");
        }
    }

    /**
     * The device routes: headscale approves the prefixes the bridge's node advertises, tailscaled
     * accepts routes and reaches the device by its own addresses (IPv4 and IPv6): a TCP service
     * with {@code tailscale nc}, a UDP echo through its SOCKS5 proxy, and ICMP pings. An address of
     * the prefixes no live device holds (dev2 was enrolled but never spoke) is refused at once.
     */
    @Test
    @Order(9)
    void tailscaledReachesTheDeviceByItsOwnAddressesOnceTheRoutesAreApproved() throws Exception {
        long id = tailnet.headscale().node("lopower").orElseThrow().id();
        Await.until(FIRST_CONTACT, "headscale to hear the device routes",
                () -> tailnet.headscale().routes(id).getFirst().containsAll(routes.prefixes()));
        tailnet.headscale().approveRoutes(id, routes.prefixes().toArray(String[]::new));
        real.cli(COMMAND, "set", "--accept-routes").requireSuccess();
        Await.until(FIRST_CONTACT, "tailscaled to take the device routes through the bridge", () -> real.status()
                .peer("lopower").map(p -> p.primaryRoutes().containsAll(routes.prefixes())).orElse(false));
        String reply = "device by address " + UUID.randomUUID() + "\n";
        Path script = tailnet.dir().resolve("device-routed.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s' '" + reply + "'\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        try (var tcp = net.start(ns, "device routed TCP", List.of("socat", "TCP6-LISTEN:8081,reuseaddr,fork",
                     "EXEC:" + script), java.util.Map.of(), tailnet.dir().resolve("device-routed-tcp.log"));
             var udp6 = net.start(ns, "device routed UDP6", List.of("socat", "UDP6-LISTEN:5684,fork,reuseaddr",
                     "EXEC:cat"), java.util.Map.of(), tailnet.dir().resolve("device-routed-udp6.log"));
             var udp4 = net.start(ns, "device routed UDP", List.of("socat", "UDP4-LISTEN:5685,fork,reuseaddr",
                     "EXEC:cat"), java.util.Map.of(), tailnet.dir().resolve("device-routed-udp.log"));
             Socks5UdpAssociation viaReal = Socks5UdpAssociation.open(real.socks5Port())) {
            byte[] payload = new byte[1200];
            new Random(9).nextBytes(payload);
            for (InetAddress device : enrolled.addresses()) {
                String address = io.microlink.AddressText.of(device);
                byte[] got = Await.result(FIRST_CONTACT, "tailscale nc to " + address, () -> {
                    try {
                        byte[] b = real.nc(address, 8081, new byte[0], reply.length(), Duration.ofSeconds(5));
                        return b.length == reply.length() ? b : null;
                    } catch (RuntimeException e) {
                        return null;
                    }
                });
                assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo(reply);
                InetSocketAddress echo = new InetSocketAddress(device, device.getAddress().length == 4 ? 5685 : 5684);
                Socks5UdpAssociation.Reply r = Await.result(FIRST_CONTACT, "a UDP echo from " + echo, () -> {
                    try {
                        viaReal.send(echo, payload);
                        return viaReal.receive(Duration.ofSeconds(1));
                    } catch (IOException e) {
                        return null;
                    }
                });
                assertThat(r.from()).isEqualTo(echo);
                assertThat(r.data()).isEqualTo(payload);
                List<PingReply> pongs = Await.result(FIRST_CONTACT, "an ICMP pong from " + address, () -> {
                    try {
                        return real.ping(address, "--icmp", "-c", "2");
                    } catch (Exec.CommandFailedException e) {
                        return null;
                    }
                });
                assertThat(pongs.getFirst().nodeName()).startsWith("lopower");
            }
        }
        assertThat(count("tcp_connections_routed")).isGreaterThanOrEqualTo(2);
        assertThat(count("udp_flows_routed")).isGreaterThanOrEqualTo(2);
        assertThat(count("pings_routed")).isGreaterThanOrEqualTo(2);

        String silent = io.microlink.AddressText.of(bridge.enrollment().show("dev2").addresses().getLast());
        long refusedBefore = count("refused_no_device");
        long start = System.nanoTime();
        // tailscale nc ends with nothing read when its connection is reset; a timeout would throw.
        assertThat(real.nc(silent, 8081, new byte[0], 1, Duration.ofSeconds(8))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused, not timed out")
                .isLessThan(Duration.ofSeconds(4));
        assertThat(count("refused_no_device")).isGreaterThan(refusedBefore);
    }

    /**
     * The tailnet's rules judge a routed packet by its destination, as for any subnet route: a
     * policy that lets every node reach the tailnet's addresses, but not the device prefixes,
     * stops tailscaled's connection to the device at the bridge's node. (The rest of the class
     * needs only tailnet addresses, which it still allows.)
     */
    @Test
    @Order(10)
    void aPolicyWithoutTheDevicePrefixesKeepsTailscaledFromTheDevice() throws Exception {
        String device = enrolled.addresses().getLast().getHostAddress();
        try (var tcp = net.start(ns, "device routed TCP", List.of("socat", "TCP4-LISTEN:8082,reuseaddr,fork",
                "EXEC:echo open"), java.util.Map.of(), tailnet.dir().resolve("device-denied-tcp.log"))) {
            Await.until(FIRST_CONTACT, "the device's service up", () -> ncSucceeds(device, 8082));
            long droppedBefore = bridgeNode.metrics().dropped().getOrDefault("filter_no_rule", 0L);
            tailnet.headscale().setPolicy(NODES_ONLY);
            Await.until(FIRST_CONTACT, "the bridge node's filter to refuse the device", () -> !ncSucceeds(device, 8082)
                    && bridgeNode.metrics().dropped().getOrDefault("filter_no_rule", 0L) > droppedBefore);
        }
    }

    private static boolean ncSucceeds(String host, int port) {
        try {
            return real.nc(host, port, new byte[0], 5, Duration.ofSeconds(3)).length == 5;
        } catch (Exec.CommandFailedException e) {
            return false;
        }
    }

    @Test
    @Order(11)
    void removingTheDeviceCutsItOffAtOnce() throws Exception {
        String url = "http://" + realIpv4 + ":" + web.getAddress().getPort() + "/";
        assertThat(curl(url).requireSuccess().stdout()).isEqualTo(BODY);
        bridge.enrollment().remove("dev1");
        Thread.sleep(1_000); // the bridge follows its registry every half second
        assertThat(curlWithin(3, url).succeeded()).isFalse();
        assertThat(count("dropped_unknown_index") + count("dropped_unknown_peer")).isPositive();
    }

    /** dig's short answer lines (addresses) from {@code namespace}, with three tries of 2 s as a stub resolver would make. */
    private static List<String> dig(String namespace, String server, String name, String type, String... options) {
        List<String> command = new ArrayList<>(List.of("dig", "+short", "+time=2", "+tries=3", "@" + server, name, type));
        command.addAll(List.of(options));
        return net.exec(namespace, COMMAND, command.toArray(String[]::new)).requireSuccess().stdout()
                .lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static long count(String counter) {
        return bridge.counters().getOrDefault(counter, 0L);
    }

    private static Exec.Result curl(String url) {
        return curlWithin(10, url);
    }

    private static Exec.Result curlWithin(int seconds, String url) {
        return exec("curl", "-sS", "--max-time", Integer.toString(seconds), url);
    }

    private static Exec.Result exec(String... command) {
        return net.exec(ns, COMMAND, command);
    }
}
