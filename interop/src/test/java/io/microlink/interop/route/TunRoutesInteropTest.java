package io.microlink.interop.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Dnsmasq;
import io.microlink.interop.Exec;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.NetworkNamespaces;
import io.microlink.interop.PingReply;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java node serving routes in TUN mode: its device in the test JVM's own namespace, where
 * the kernel (IP forwarding on, as the test sets it in that namespace only) forwards what peers
 * send to the advertised subnet and, as exit node, to a host one gateway away, through the rules
 * the node installs. A real tailscaled with {@code --accept-routes} connects and pings through
 * it; the servers name the address each connection came from, so the test sees the masquerade
 * (the node's address on the subnet) and, after a restart with {@code snatSubnetRoutes(false)},
 * the tailscaled's own tailnet address. The node's userspace relay counts nothing: the kernel
 * carried it all. Its rules are gone once it stops.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TunRoutesInteropTest {
    private static final String DEV = "mltun-rt";
    private static final String HOSTNAME = "jtun";
    private static final String SUBNET = "10.77.31.0/24";
    private static final String SUBNET_SELF = "10.77.31.1";
    private static final String SUBNET_HOST = "10.77.31.2";
    private static final String NOBODY = "10.77.31.99";
    private static final String LAN_SELF = "10.79.31.1";
    private static final String OUTSIDE_HOST = "198.18.31.2";
    private static final int HTTP_PORT = 8080;
    private static final Duration IO = Duration.ofSeconds(20);
    private static final Duration ROUTES_SEEN = Duration.ofSeconds(60);
    private static final String TOKEN = UUID.randomUUID().toString();
    /** Only the Java node's resolver (a dnsmasq, its {@code dnsUpstreams}) knows this name. */
    private static final String EXIT_NAME = "www.tunexit.test";
    private static final String EXIT_NAME_ADDRESS = "192.0.2.93";
    private static final String ALLOW_ALL = """
            {"acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}""";
    /** The tailnet and one port of the subnet that nothing listens on: the web server is denied. */
    private static final String SUBNET_WEB_DENIED = """
            {"acls": [{"action": "accept", "src": ["*"],
                       "dst": ["100.64.0.0/10:*", "fd7a:115c:a1e0::/48:*", "10.77.31.0/24:7007"]}]}""";

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.withPolicy(ALLOW_ALL);

    private static final List<ManagedProcess> servers = new ArrayList<>();
    private static Tailscaled client;
    private static TailnetNode router;
    private static String ipForwardBefore;
    private static Dnsmasq resolver;

    @BeforeAll
    static void startTailnet() {
        NetworkNamespaces net = tailnet.namespaces();
        String subnet = net.create("subnet");
        net.linkToSelf(SUBNET_SELF + "/24", subnet, SUBNET_HOST + "/24");
        // Without masquerade the host answers the peer's 100.x address: through the router, as on a real LAN.
        net.exec(subnet, "ip", "route", "add", "default", "via", SUBNET_SELF).requireSuccess();
        String outside = RouteHosts.oneGatewayAway(tailnet, LAN_SELF, "10.79.31.2", "198.18.31.0/24", OUTSIDE_HOST);
        servers.add(RouteHosts.callerNamingServer(tailnet, subnet, SUBNET_HOST, HTTP_PORT, "subnet", TOKEN));
        servers.add(RouteHosts.callerNamingServer(tailnet, outside, OUTSIDE_HOST, HTTP_PORT, "outside", TOKEN));
        ipForwardBefore = sysctl("net.ipv4.ip_forward");
        exec("sysctl", "-w", "net.ipv4.ip_forward=1").requireSuccess();

        try {
            resolver = Dnsmasq.start(Files.createTempDirectory(tailnet.dir(), "dnsmasq"), InetAddress.ofLiteral("127.55."
                    + ThreadLocalRandom.current().nextInt(1, 255) + "." + ThreadLocalRandom.current().nextInt(1, 255)),
                    53, "tunexit.test", List.of("--host-record=" + EXIT_NAME + "," + EXIT_NAME_ADDRESS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client = tailnet.addNode("client");
        client.cli(IO, "set", "--accept-routes").requireSuccess();
        router = startRouter(b -> b);
        long id = tailnet.headscale().node(HOSTNAME).orElseThrow().id();
        Await.until(ROUTES_SEEN, "headscale to hear the routes the Java node advertises",
                () -> tailnet.headscale().routes(id).getFirst().containsAll(List.of(SUBNET, "0.0.0.0/0", "::/0")));
        tailnet.headscale().approveRoutes(id, SUBNET, "0.0.0.0/0", "::/0");
        awaitClientTakesTheRoute();
    }

    /** Built after the namespaces: the exit node leaves out the host networks it finds at build time. */
    private static TailnetNode startRouter(UnaryOperator<TailnetNode.Builder> more) {
        TailnetNode node = tailnet.addJavaNode(HOSTNAME, client,
                b -> more.apply(b.tunDevice(DEV).advertiseRoutes(List.of(SUBNET), true)
                        .dnsUpstreams(List.of(resolver.address()))));
        assertThat(node.tunInterface()).as("TUN mode, not the fallback").contains(DEV);
        return node;
    }

    private static void awaitClientTakesTheRoute() {
        Await.until(ROUTES_SEEN, "the client to take the subnet route through the Java node",
                () -> client.status().peer(HOSTNAME).map(p -> p.primaryRoutes().contains(SUBNET)).orElse(false));
    }

    @AfterAll
    static void stop() {
        servers.forEach(ManagedProcess::close);
        if (resolver != null) {
            resolver.close();
        }
        if (ipForwardBefore != null) {
            exec("sysctl", "-w", "net.ipv4.ip_forward=" + ipForwardBefore);
        }
    }

    @Test
    @Order(1)
    void tailscaledReachesTheSubnetHostThroughTheKernelWhichSeesTheRoutersAddress() {
        assertThat(get(SUBNET_HOST, IO)).endsWith("subnet " + TOKEN + " from " + SUBNET_SELF + "\n");
        assertThat(router.relayCounters().getOrDefault("tcp_connections_relayed", 0L))
                .as("the kernel forwarded it, not the userspace relay").isZero();
        assertThat(exec("iptables", "-t", "nat", "-S", "ml-nat-" + DEV).requireSuccess().stdout())
                .contains("MASQUERADE");
    }

    @Test
    @Order(2)
    void aPingIsAnsweredByTheLiveSubnetHostOnly() {
        List<PingReply> pongs = Await.result(IO, "an ICMP pong from " + SUBNET_HOST, () -> {
            try {
                return client.ping(SUBNET_HOST, "--icmp", "-c", "2");
            } catch (Exec.CommandFailedException e) {
                return null;
            }
        });
        assertThat(pongs.getFirst().nodeName()).startsWith(HOSTNAME);
        assertThat(client.cli(IO, "ping", "--icmp", "-c", "2", "--timeout", "2s", NOBODY).stdout())
                .doesNotContain("pong");
    }

    @Test
    @Order(3)
    void theTailnetsAclJudgesRoutedPacketsByDestination() {
        tailnet.headscale().setPolicy(SUBNET_WEB_DENIED);
        try {
            long droppedBefore = router.metrics().dropped().getOrDefault("filter_no_rule", 0L);
            Await.until(ROUTES_SEEN, "the Java node's filter to refuse the subnet's web server", () -> {
                try {
                    client.nc(SUBNET_HOST, HTTP_PORT, RouteHosts.REQUEST.getBytes(StandardCharsets.US_ASCII), 1,
                            Duration.ofSeconds(3));
                    return false; // still let through
                } catch (Exec.CommandFailedException refused) {
                    return router.metrics().dropped().getOrDefault("filter_no_rule", 0L) > droppedBefore;
                }
            });
        } finally {
            tailnet.headscale().setPolicy(ALLOW_ALL);
        }
        assertThat(get(SUBNET_HOST, ROUTES_SEEN)).endsWith(" from " + SUBNET_SELF + "\n");
    }

    @Test
    @Order(4)
    void asItsExitNodeTheJavaNodeCarriesTailscaledToAHostOneGatewayAway() {
        String routerIp = router.tailnet().self().orElseThrow().addresses().getFirst().getHostAddress();
        client.cli(IO, "set", "--exit-node=" + routerIp, "--accept-dns=true").requireSuccess();
        try {
            assertThat(get(OUTSIDE_HOST, IO)).endsWith("outside " + TOKEN + " from " + LAN_SELF + "\n");
            // Its DNS too: the peerAPI answers in the node's netstack, though the OS owns the device's addresses.
            String answer = Await.result(IO, "the client to resolve " + EXIT_NAME + " through the Java node", () -> {
                Exec.Result r = client.cli(IO, "dns", "query", EXIT_NAME, "A");
                return r.exitCode() == 0 && r.stdout().contains(EXIT_NAME_ADDRESS) ? r.stdout() : null;
            });
            assertThat(answer).contains(EXIT_NAME_ADDRESS);
            assertThat(resolver.log(50)).contains("query[A] " + EXIT_NAME);
        } finally {
            client.cli(IO, "set", "--exit-node=", "--accept-dns=false").requireSuccess();
        }
        assertThat(router.relayCounters().getOrDefault("tcp_connections_relayed", 0L)).isZero();
    }

    @Test
    @Order(5)
    void stoppedItsRulesAreGoneAndRestartedWithoutMasqueradeTheHostSeesThePeersTailnetAddress() {
        router.close();
        assertThat(exec("iptables", "-S").requireSuccess().stdout()).doesNotContain("ml-fwd-" + DEV);
        assertThat(exec("iptables", "-t", "nat", "-S").requireSuccess().stdout()).doesNotContain("ml-nat-" + DEV);
        assertThat(exec("ip", "link", "show", "dev", DEV).succeeded()).isFalse();

        router = startRouter(b -> b.snatSubnetRoutes(false));
        assertThat(exec("iptables", "-t", "nat", "-S").requireSuccess().stdout()).doesNotContain("ml-nat-" + DEV);
        awaitClientTakesTheRoute();
        String clientIp = client.ip("-4").getFirst();
        assertThat(get(SUBNET_HOST, ROUTES_SEEN)).endsWith("subnet " + TOKEN + " from " + clientIp + "\n");
    }

    /** A plain HTTP/1.0 GET by {@code tailscale nc} on the tailscaled, the answer as text. */
    private static String get(String host, Duration within) {
        byte[] request = RouteHosts.REQUEST.getBytes(StandardCharsets.US_ASCII);
        return Await.result(within, "an answer from " + host + " through the Java node", () -> {
            try {
                String answer = new String(client.nc(host, HTTP_PORT, request, 4096, Duration.ofSeconds(5)),
                        StandardCharsets.UTF_8);
                return answer.contains(TOKEN) ? answer : null;
            } catch (Exec.CommandFailedException e) {
                return null; // not routed yet: try again
            }
        });
    }

    private static String sysctl(String name) {
        return exec("sysctl", "-n", name).requireSuccess().stdout().strip();
    }

    /** In the test JVM's own isolated namespace, where the Java node's device is. */
    private static Exec.Result exec(String... command) {
        return Exec.run(IO, List.of(command));
    }
}
