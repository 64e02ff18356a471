package io.microlink.interop.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.NetworkNamespaces;
import io.microlink.interop.PingReply;
import io.microlink.interop.Socks5UdpAssociation;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
 * The Java node serving routes in userspace mode: a real tailscaled with {@code --accept-routes}
 * reaches a plain host on the Java node's subnet (HTTP, UDP echo, ping) once headscale approved
 * the route, the tailnet's ACL applies to it by destination, and with the Java node as its exit
 * node the tailscaled reaches a host one gateway behind it. The servers live in network
 * namespaces joined to the test's by veths, where the Java node (in this JVM) reaches them with
 * its OS sockets. tailscaled runs in the same namespace, but in userspace networking its
 * {@code tailscale nc}, SOCKS5 and pings go to a routed address through the tailnet only; the
 * Java node's relay counters, and the ACL that stops HTTP while UDP still passes, show the path.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeRoutesInteropTest {
    private static final String SUBNET = "10.78.19.0/24";
    private static final String SUBNET_HOST = "10.78.19.2";
    /** In the subnet, but no host has it: nothing answers, so neither may the Java node. */
    private static final String NOBODY = "10.78.19.99";
    private static final String OUTSIDE_HOST = "198.18.20.2";
    private static final int HTTP_PORT = 8080;
    private static final int ECHO_PORT = 7007;
    private static final Duration IO = Duration.ofSeconds(20);
    private static final Duration ROUTES_SEEN = Duration.ofSeconds(60);
    private static final String TOKEN = UUID.randomUUID().toString();
    private static final String ALLOW_ALL = """
            {"acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}""";
    /** The tailnet and the subnet's UDP echo, but not its web server. */
    private static final String SUBNET_UDP_ONLY = """
            {"acls": [{"action": "accept", "src": ["*"],
                       "dst": ["100.64.0.0/10:*", "fd7a:115c:a1e0::/48:*", "10.78.19.0/24:7007"]}]}""";

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.withPolicy(ALLOW_ALL);

    private static final List<ManagedProcess> servers = new ArrayList<>();
    private static Tailscaled client;
    private static TailnetNode router;

    @BeforeAll
    static void startTailnet() {
        NetworkNamespaces net = tailnet.namespaces();
        String subnet = net.create("subnet");
        net.linkToSelf("10.78.19.1/24", subnet, SUBNET_HOST + "/24");
        String outside = RouteHosts.oneGatewayAway(tailnet, "10.79.20.1", "10.79.20.2", "198.18.20.0/24",
                OUTSIDE_HOST);
        servers.add(RouteHosts.httpServer(tailnet, subnet, SUBNET_HOST, HTTP_PORT, "subnet", TOKEN));
        servers.add(RouteHosts.httpServer(tailnet, outside, OUTSIDE_HOST, HTTP_PORT, "outside", TOKEN));
        servers.add(RouteHosts.udpEcho(tailnet, subnet, SUBNET_HOST, ECHO_PORT));

        client = tailnet.addNode("client");
        client.cli(IO, "set", "--accept-routes").requireSuccess();
        // Built after the namespaces: the exit node leaves out the host networks it finds at build time.
        router = tailnet.addJavaNode("jrouter", client, b -> b.advertiseRoutes(List.of(SUBNET), true));
        assertThat(router.advertisedRoutes()).containsExactly("0.0.0.0/0", "::/0", SUBNET);
        assertThat(router.approvedRoutes()).as("nothing before headscale approves").isEmpty();
        long id = tailnet.headscale().node("jrouter").orElseThrow().id();
        Await.until(ROUTES_SEEN, "headscale to hear the routes the Java node advertises",
                () -> tailnet.headscale().routes(id).getFirst().containsAll(List.of(SUBNET, "0.0.0.0/0", "::/0")));
        tailnet.headscale().approveRoutes(id, SUBNET, "0.0.0.0/0", "::/0");
        assertThat(tailnet.headscale().routes(id).getLast()).containsExactlyInAnyOrder(SUBNET, "0.0.0.0/0", "::/0");
        // The subnet host is also reachable from this namespace: until the client takes the route, its
        // `tailscale nc` would reach the host past the Java node, so wait for the client to know it.
        Await.until(ROUTES_SEEN, "the client to take the subnet route through the Java node",
                () -> client.status().peer("jrouter").map(p -> p.primaryRoutes().contains(SUBNET)).orElse(false));
    }

    @AfterAll
    static void stopServers() {
        servers.forEach(ManagedProcess::close);
    }

    @Test
    @Order(1)
    void tailscaledReachesAnHttpServerOnTheSubnetThroughTheJavaNode() {
        assertThat(get(SUBNET_HOST)).startsWith("HTTP/1.0 200 OK").endsWith("subnet " + TOKEN + "\n");
        assertThat(router.relayCounters().getOrDefault("tcp_connections_relayed", 0L)).isPositive();
    }

    @Test
    @Order(2)
    void udpToTheSubnetIsEchoedBackFromTheSubnetHost() throws IOException {
        assertThat(echo().from()).isEqualTo(new InetSocketAddress(SUBNET_HOST, ECHO_PORT));
        assertThat(router.relayCounters().getOrDefault("udp_flows_opened", 0L)).isPositive();
    }

    @Test
    @Order(3)
    void aPingIsAnsweredForALiveSubnetHostOnly() {
        List<PingReply> pongs = Await.result(IO, "an ICMP pong from " + SUBNET_HOST, () -> {
            try {
                return client.ping(SUBNET_HOST, "--icmp", "-c", "2");
            } catch (Exec.CommandFailedException e) {
                return null;
            }
        });
        assertThat(pongs).isNotEmpty();
        assertThat(pongs.getFirst().nodeName()).startsWith("jrouter");
        Exec.Result silent = client.cli(IO, "ping", "--icmp", "-c", "2", "--timeout", "2s", NOBODY);
        assertThat(silent.stdout()).doesNotContain("pong");
        assertThat(router.relayCounters().getOrDefault("pings_answered", 0L)).isPositive();
    }

    @Test
    @Order(4)
    void theAclAppliesToTheSubnetByDestination() throws IOException {
        tailnet.headscale().setPolicy(SUBNET_UDP_ONLY);
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
            assertThat(echo().data()).asString(StandardCharsets.UTF_8).isEqualTo("echo " + TOKEN);
        } finally {
            tailnet.headscale().setPolicy(ALLOW_ALL);
        }
        assertThat(get(SUBNET_HOST)).endsWith("subnet " + TOKEN + "\n");
    }

    @Test
    @Order(5)
    void asItsExitNodeTheJavaNodeCarriesTailscaledToAHostOneGatewayAway() {
        String routerIp = router.tailnet().self().orElseThrow().addresses().getFirst().getHostAddress();
        client.cli(IO, "set", "--exit-node=" + routerIp).requireSuccess();
        try {
            long before = router.relayCounters().getOrDefault("tcp_connections_relayed", 0L);
            assertThat(get(OUTSIDE_HOST)).endsWith("outside " + TOKEN + "\n");
            assertThat(router.relayCounters().getOrDefault("tcp_connections_relayed", 0L)).isGreaterThan(before);
        } finally {
            client.cli(IO, "set", "--exit-node=").requireSuccess();
        }
    }

    /** A plain HTTP/1.0 GET by {@code tailscale nc} on the tailscaled, the answer as text. */
    private static String get(String host) {
        byte[] request = RouteHosts.REQUEST.getBytes(StandardCharsets.US_ASCII);
        return Await.result(IO, "an answer from " + host + " through the Java node", () -> {
            try {
                String answer = new String(client.nc(host, HTTP_PORT, request, 4096, Duration.ofSeconds(5)),
                        StandardCharsets.UTF_8);
                return answer.contains(TOKEN) ? answer : null;
            } catch (Exec.CommandFailedException e) {
                return null; // not routed yet: try again
            }
        });
    }

    /** One datagram to the subnet's echo server through tailscaled's SOCKS5 proxy, and its echo. */
    private static Socks5UdpAssociation.Reply echo() throws IOException {
        byte[] hello = ("echo " + TOKEN).getBytes(StandardCharsets.UTF_8);
        try (Socks5UdpAssociation udp = Socks5UdpAssociation.open(client.socks5Port())) {
            Socks5UdpAssociation.Reply reply = Await.result(IO, "the UDP echo through the Java node", () -> {
                try {
                    udp.send(new InetSocketAddress(SUBNET_HOST, ECHO_PORT), hello);
                    return udp.receive(Duration.ofSeconds(2));
                } catch (IOException e) {
                    return null;
                }
            });
            assertThat(reply.data()).isEqualTo(hello);
            return reply;
        }
    }
}
