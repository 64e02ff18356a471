package io.microlink.interop.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.Peer;
import io.microlink.TailnetNode;
import io.microlink.host.proxy.HttpProxy;
import io.microlink.host.proxy.ProxySettings;
import io.microlink.host.proxy.Socks5Proxy;
import io.microlink.dns.DnsClass;
import io.microlink.dns.DnsFormatException;
import io.microlink.dns.DnsHeader;
import io.microlink.dns.DnsMessage;
import io.microlink.dns.DnsQuestion;
import io.microlink.dns.DnsRcode;
import io.microlink.dns.DnsRdata;
import io.microlink.dns.DnsType;
import io.microlink.interop.Await;
import io.microlink.interop.Dnsmasq;
import io.microlink.interop.Exec;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.MicrolinkProcess;
import io.microlink.interop.NetworkNamespaces;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
 * The Java node using real tailscaled peers' routes: a subnet router (10.77.19.0/24) and an exit
 * node, both approved in headscale. Each server lives in a network namespace of its own, joined
 * to the test's namespace by a veth, so the tailscaleds (userspace networking, on loopback here)
 * reach it with their OS sockets. The Java nodes run in userspace mode, where the only way out is
 * the tailnet: what they reach, they reach through a peer. The exit node's target, 198.18.19.2,
 * is in no subnet route, behind a gateway on the test's LAN (10.79.19.0/24): only the exit node
 * carries it. The exit node's /etc/resolv.conf names a dnsmasq on a loopback address that alone
 * knows {@value #EXIT_ZONE}: the Java node resolves that name only through the exit node's DNS.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoutesInteropTest {
    private static final String SUBNET = "10.77.19.0/24";
    private static final String SUBNET_HOST = "10.77.19.2";
    private static final String OUTSIDE_HOST = "198.18.19.2";
    /** This host's side of its LAN (a veth), and the gateway on it that routes to {@link #OUTSIDE_HOST}. */
    private static final String LAN_SELF = "10.79.19.1";
    private static final String LAN_GATEWAY = "10.79.19.2";
    private static final int HTTP_PORT = 8080;
    private static final int ECHO_PORT = 7007;
    private static final Duration IO = Duration.ofSeconds(20);
    private static final Duration ROUTES_SEEN = Duration.ofSeconds(60);
    private static final String TOKEN = UUID.randomUUID().toString();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST = RouteHosts.REQUEST;
    private static final String EXIT_ZONE = "exitdns.test";
    private static final String EXIT_NAME = "www." + EXIT_ZONE + ".";
    private static final String EXIT_NAME_ADDRESS = "192.0.2.81";
    /** Only the exit node's resolver knows it: the host behind the exit node, {@link #OUTSIDE_HOST}. */
    private static final String OUTSIDE_NAME = "outside." + EXIT_ZONE;
    private static final InetSocketAddress QUAD_100 = new InetSocketAddress("100.100.100.100", 53);

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static final List<ManagedProcess> servers = new ArrayList<>();
    private static TailnetNode plain;
    private static TailnetNode routed;
    private static Dnsmasq exitResolver;

    @BeforeAll
    static void startTailnet() throws IOException {
        NetworkNamespaces net = tailnet.namespaces();
        String subnet = net.create("subnet");
        net.linkToSelf("10.77.19.1/24", subnet, SUBNET_HOST + "/24");
        // The exit target sits one router away: tailscale's exit node ("guest wifi") refuses its own
        // directly attached networks unless they are advertised as subnet routes.
        String outside = RouteHosts.oneGatewayAway(tailnet, LAN_SELF, LAN_GATEWAY, "198.18.19.0/24", OUTSIDE_HOST);
        servers.add(RouteHosts.httpServer(tailnet, subnet, SUBNET_HOST, HTTP_PORT, "subnet", TOKEN));
        servers.add(RouteHosts.httpServer(tailnet, outside, OUTSIDE_HOST, HTTP_PORT, "outside", TOKEN));
        servers.add(RouteHosts.udpEcho(tailnet, subnet, SUBNET_HOST, ECHO_PORT));

        Tailscaled router = tailnet.addNode("router");
        router.cli(IO, "set", "--advertise-routes=" + SUBNET).requireSuccess();
        InetAddress resolver = InetAddress.ofLiteral("127.53." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255));
        exitResolver = Dnsmasq.start(Files.createTempDirectory(tailnet.dir(), "dnsmasq"), resolver, 53, EXIT_ZONE,
                List.of("--host-record=" + EXIT_NAME.substring(0, EXIT_NAME.length() - 1) + "," + EXIT_NAME_ADDRESS,
                        "--host-record=" + OUTSIDE_NAME + "," + OUTSIDE_HOST));
        Path resolvConf = Files.writeString(tailnet.dir().resolve("exit-resolv.conf"),
                "nameserver " + resolver.getHostAddress() + "\n");
        Tailscaled exit = tailnet.addNode("exit", TestTailnet.DEFAULT_USER,
                Tailscaled.Options.DEFAULT.withResolvConf(resolvConf));
        exit.cli(IO, "set", "--advertise-exit-node").requireSuccess();
        // headscale keeps approvals apart from what a node announces: a route serves once both agree.
        tailnet.headscale().approveRoutes(tailnet.headscale().node("router").orElseThrow().id(), SUBNET);
        tailnet.headscale().approveRoutes(tailnet.headscale().node("exit").orElseThrow().id(), "0.0.0.0/0", "::/0");
        plain = tailnet.addJavaNode("plain", router);
        routed = tailnet.addJavaNode("routed", router, b -> b.acceptRoutes(true).exitNode("exit"));
        Await.until(ROUTES_SEEN, "the Java node to see the approved routes", () -> routed.tailnet().find("router")
                .map(Peer::routes).orElse(List.of()).contains(SUBNET)
                && routed.tailnet().find("exit").map(Peer::exitNode).orElse(false)
                && routed.exitNode().isPresent());
    }

    @AfterAll
    static void stopServers() {
        servers.forEach(ManagedProcess::close);
        if (exitResolver != null) {
            exitResolver.close();
        }
    }

    /**
     * The exit node (tailscaled, offering {@code peerapi-dns-proxy}) answers DNS-over-HTTP on its
     * peerAPI from its own resolvers; the Java node's quad-100 sends it the names the tailnet has
     * no resolver for. A node without the exit node has nowhere to send them.
     */
    @Test
    void namesOutsideTheTailnetAreResolvedThroughTheExitNodesDns() {
        DnsMessage answer = Await.result(IO, "an answer from the exit node's resolver", () -> {
            DnsMessage m = askQuad100(routed, EXIT_NAME);
            return m != null && m.header().rcode() == DnsRcode.NOERROR ? m : null;
        });
        assertThat(answer.answers()).extracting(r -> ((DnsRdata.Address) r.data()).address())
                .containsExactly(InetAddress.ofLiteral(EXIT_NAME_ADDRESS));
        assertThat(exitResolver.log(50)).contains("query[A] " + EXIT_NAME.substring(0, EXIT_NAME.length() - 1));
        DnsMessage withoutExit = askQuad100(plain, EXIT_NAME);
        assertThat(withoutExit).isNotNull();
        assertThat(withoutExit.header().rcode()).isEqualTo(DnsRcode.SERVFAIL);
    }

    /**
     * The SOCKS5 proxy's names outside the tailnet go through the node's own DNS, so through the
     * exit node's: a CONNECT by a name only the exit node's resolver knows reaches the host behind
     * the exit node (the host's resolver, which the node asked before, knows no such name).
     */
    @Test
    void theSocks5ProxyResolvesNamesOutsideTheTailnetThroughTheExitNodesDns() throws IOException {
        try (Socks5Proxy proxy = Socks5Proxy.start(routed::dial, ProxySettings.onPort(0))) {
            String page = Await.result(IO, "a page by a name only the exit node's resolver knows", () -> {
                try {
                    return socks5Get(proxy, OUTSIDE_NAME);
                } catch (IOException e) {
                    return null;
                }
            });
            assertThat(page).endsWith("outside " + TOKEN + "\n");
        }
        assertThat(exitResolver.log(100)).contains("query[A] " + OUTSIDE_NAME);
    }

    /** A SOCKS5 CONNECT to {@code host}:{@value #HTTP_PORT} by name, then a GET: the page, or null if refused. */
    private static String socks5Get(Socks5Proxy proxy, String host) throws IOException {
        try (Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
            s.setSoTimeout((int) IO.toMillis());
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(new byte[] {5, 1, 0});
            out.flush();
            if (in.readNBytes(2)[1] != 0) {
                return null;
            }
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            java.io.ByteArrayOutputStream connect = new java.io.ByteArrayOutputStream();
            connect.writeBytes(new byte[] {5, 1, 0, 3, (byte) name.length});
            connect.writeBytes(name);
            connect.writeBytes(new byte[] {(byte) (HTTP_PORT >> 8), (byte) HTTP_PORT});
            out.write(connect.toByteArray());
            out.flush();
            byte[] reply = in.readNBytes(10); // an IPv4 bound address
            if (reply.length < 10 || reply[1] != 0) {
                return null;
            }
            out.write(REQUEST.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One A query to the node's own quad-100; null when no answer came in 5 s. */
    private static DnsMessage askQuad100(TailnetNode node, String name) {
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        byte[] query = new DnsMessage(DnsHeader.query(id), List.of(new DnsQuestion(name, DnsType.A, DnsClass.IN)),
                List.of(), List.of(), List.of()).encode(512);
        try (TailnetDatagramSocket socket = node.bindUdp(0)) {
            socket.send(QUAD_100, query);
            TailnetDatagramSocket.Datagram reply = socket.receive(Duration.ofSeconds(5));
            DnsMessage m = reply == null ? null : DnsMessage.parse(reply.data());
            return m != null && m.header().id() == id ? m : null;
        } catch (IOException | DnsFormatException e) {
            throw new AssertionError("asking quad-100 of " + node + " for " + name, e);
        }
    }

    @Test
    void withAcceptRoutesTheJavaNodeReachesAnHttpServerOnTheSubnetThroughTheRouter() throws IOException {
        assertThat(get(routed, SUBNET_HOST)).endsWith("subnet " + TOKEN + "\n").startsWith("HTTP/1.0 200 OK");
        assertThat(routed.tailnet().find("router").orElseThrow().primaryRoutes()).containsExactly(SUBNET);
    }

    @Test
    void withAcceptRoutesUdpToTheSubnetIsEchoedBack() throws IOException {
        try (TailnetDatagramSocket udp = routed.bindUdp(0)) {
            byte[] hello = ("echo " + TOKEN).getBytes(StandardCharsets.UTF_8);
            InetSocketAddress echo = new InetSocketAddress(SUBNET_HOST, ECHO_PORT);
            TailnetDatagramSocket.Datagram reply = Await.result(IO, "the UDP echo through the router", () -> {
                try {
                    udp.send(echo, hello);
                    return udp.receive(Duration.ofSeconds(2));
                } catch (IOException e) {
                    return null; // not answered yet: send again
                }
            });
            assertThat(reply.data()).isEqualTo(hello);
            assertThat(reply.sender()).isEqualTo(echo);
        }
    }

    @Test
    void withoutAcceptRoutesTheSubnetIsRefusedNamingTheRoute() {
        assertThatThrownBy(() -> plain.dial(SUBNET_HOST, HTTP_PORT, IO))
                .isInstanceOf(NoRouteToHostException.class)
                .hasMessage(SUBNET_HOST + " is in subnet route " + SUBNET + " of router, but this node does not"
                        + " accept routes (turn on accept-routes)");
    }

    @Test
    void throughTheExitNodeTheJavaNodeReachesAnAddressOnlyTheExitNodeRoutes() throws IOException {
        assertThat(routed.exitNode().map(Peer::shortName)).contains("exit");
        assertThat(get(routed, OUTSIDE_HOST)).endsWith("outside " + TOKEN + "\n");
        assertThatThrownBy(() -> plain.dial(OUTSIDE_HOST, HTTP_PORT, IO))
                .isInstanceOf(NoRouteToHostException.class).hasMessageContaining("no exit node is used");
    }

    @Test
    void aPeerThatIsNoExitNodeIsRefusedWithOneClearLine() {
        TailnetNode wrong = tailnet.addJavaNode("wrongexit", tailnet.nodes().getFirst(), b -> b.exitNode("router"));
        String problem = "exit node router is not an exit node: it offers no approved 0.0.0.0/0 and ::/0 routes"
                + " (tailscale up --advertise-exit-node there, then approve them)";
        Await.until(ROUTES_SEEN, "the node to judge its exit node", () -> wrong.exitNodeProblem().isPresent());
        assertThat(wrong.exitNodeProblem()).contains(problem);
        assertThat(wrong.exitNode()).isEmpty();
        assertThatThrownBy(() -> wrong.dial(OUTSIDE_HOST, HTTP_PORT, IO))
                .isInstanceOf(NoRouteToHostException.class)
                .hasMessage(OUTSIDE_HOST + " is outside the tailnet, and " + problem);
    }

    @Test
    void lanAccessKeepsTheHostsOwnNetworkOffTheExitNode() {
        // 10.79.19.0/24 is on one of this host's interfaces (the veth), so it counts as the LAN.
        TailnetNode lan = tailnet.addJavaNode("lan", tailnet.nodes().getFirst(),
                b -> b.exitNode("exit").exitNodeAllowLanAccess(true));
        Await.until(ROUTES_SEEN, "the node to take its exit node", () -> lan.exitNode().isPresent());
        assertThatThrownBy(() -> lan.dial(LAN_GATEWAY, HTTP_PORT, IO))
                .isInstanceOf(NoRouteToHostException.class)
                .hasMessageContaining("on this host's network, which exit-node-allow-lan-access keeps off the tailnet");
    }

    @Test
    void theDaemonTakesRoutesFromUpRefusesANonExitNodeAndShowsRoutesInStatus() throws Exception {
        Path keyFile = Files.createFile(tailnet.dir().resolve("ml-authkey"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, tailnet.reusableKey(TestTailnet.DEFAULT_USER).key());
        try (MicrolinkProcess ml = new MicrolinkProcess(tailnet.dir().resolve("ml")).start()) {
            ml.cli("up", "--login-server", tailnet.headscale().url(), "--auth-key-file", keyFile.toString(),
                    "--hostname", "ml-routes", "--accept-routes", "--timeout", "90s").requireSuccess();
            Await.until(ROUTES_SEEN, "the daemon's node to see the router's route", () ->
                    ml.cli("status", "--json").stdout().contains(SUBNET));

            Exec.Result refused = ml.cli("up", "--exit-node", "router");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.stderr().strip()).isEqualTo("microlink up: --exit-node: router is not an exit node"
                    + " (it offers no approved 0.0.0.0/0 and ::/0 routes)");

            ml.cli("up", "--exit-node", "exit", "--timeout", "90s").requireSuccess();
            JsonNode status = Await.result(ROUTES_SEEN, "the daemon to use its exit node", () -> {
                JsonNode st = ml.statusJson();
                return "exit".equals(st.path("exitNode").asText()) ? st : null;
            });
            assertThat(status.path("acceptRoutes").asBoolean()).isTrue();
            assertThat(status.path("exitNodeProblem").isNull()).isTrue();
            JsonNode router = peer(status, "router");
            assertThat(router.path("routes").toString()).isEqualTo("[\"" + SUBNET + "\"]");
            assertThat(router.path("primaryRoutes").toString()).isEqualTo("[\"" + SUBNET + "\"]");
            assertThat(router.path("exitNodeOption").asBoolean()).isFalse();
            assertThat(peer(status, "exit").path("exitNode").asBoolean()).isTrue();
            assertThat(ml.cli("status").requireSuccess().stdout()).contains("exit node: exit")
                    .contains(SUBNET).contains("EXIT NODE (in use)");

            // nc, the CLI's own socket, reaches both the subnet and the host behind the exit node.
            byte[] request = REQUEST.getBytes(StandardCharsets.US_ASCII);
            assertThat(ml.cliWithInput(request, "nc", SUBNET_HOST, Integer.toString(HTTP_PORT)).requireSuccess()
                    .stdout()).endsWith("subnet " + TOKEN + "\n");
            assertThat(ml.cliWithInput(request, "nc", OUTSIDE_HOST, Integer.toString(HTTP_PORT)).requireSuccess()
                    .stdout()).endsWith("outside " + TOKEN + "\n");
        }
    }

    private static JsonNode peer(JsonNode status, String name) {
        for (JsonNode p : status.path("peers")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no peer " + name + " in " + status);
    }

    @Test
    void theHttpProxyTunnelsThroughTheExitNodeAndExplainsARefusedAddress() throws IOException {
        try (HttpProxy proxy = HttpProxy.start(routed::dial, ProxySettings.onPort(0));
             HttpProxy refusing = HttpProxy.start(plain::dial, ProxySettings.onPort(0))) {
            assertThat(connect(proxy, OUTSIDE_HOST)).startsWith("HTTP/1.1 200").endsWith("outside " + TOKEN + "\n");
            assertThat(connect(refusing, SUBNET_HOST)).startsWith("HTTP/1.1 502")
                    .contains("is in subnet route " + SUBNET + " of router, but this node does not accept routes");
        }
    }

    /** A CONNECT to {@code host}, then the request through the tunnel: the proxy's head and what followed. */
    private static String connect(HttpProxy proxy, String host) throws IOException {
        try (Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
            s.setSoTimeout((int) IO.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("CONNECT " + host + ":" + HTTP_PORT + " HTTP/1.1\r\nHost: " + host + ":" + HTTP_PORT
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return head.toString();
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 200")) {
                return head + new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            out.write(REQUEST.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return head + new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Last, as it takes the first router away: a second router of the same subnet, and when the
     * primary goes, headscale makes the other primary and the Java node's traffic follows.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void whenThePrimaryRouterGoesTheSubnetIsReachedThroughTheOther() throws IOException {
        Tailscaled router2 = tailnet.addNode("router2");
        router2.cli(IO, "set", "--advertise-routes=" + SUBNET).requireSuccess();
        tailnet.headscale().approveRoutes(tailnet.headscale().node("router2").orElseThrow().id(), SUBNET);
        Await.until(ROUTES_SEEN, "the Java node to see router2", () -> routed.tailnet().find("router2").isPresent());
        assertThat(routed.tailnet().find("router").orElseThrow().primaryRoutes()).containsExactly(SUBNET);

        tailnet.removeNode(tailnet.nodes().stream().filter(n -> n.hostname().equals("router")).findFirst()
                .orElseThrow());
        Await.until(ROUTES_SEEN, "headscale to make router2 primary", () -> routed.tailnet().find("router2")
                .map(Peer::primaryRoutes).orElse(List.of()).contains(SUBNET));
        assertThat(routed.tailnet().find("router2").orElseThrow().routes()).containsExactly(SUBNET);
        assertThat(get(routed, SUBNET_HOST)).endsWith("subnet " + TOKEN + "\n");
    }

    /** A plain HTTP/1.0 GET through the node, the whole answer as text. */
    private static String get(TailnetNode node, String host) throws IOException {
        return Await.result(IO, "an answer from " + host + " through the tailnet", () -> {
            try (TailnetSocket s = node.dial(host, HTTP_PORT, Duration.ofSeconds(5))) {
                s.setSoTimeout((int) Duration.ofSeconds(5).toMillis());
                s.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return answer.isEmpty() ? null : answer;
            } catch (IOException e) {
                throw new UncheckedIOException(e); // Await tries again, and shows the last one if it gives up
            }
        });
    }
}
