package io.microlink.interop.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.NodeState;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.NetworkNamespaces;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * Two routers for one subnet, the Java node and a tailscaled, as in headscale's HA route test:
 * headscale makes one the primary, and when that one goes away it moves the route to the other
 * and a tailscaled client's requests follow, both ways (Java → tailscaled, tailscaled → Java);
 * a router that comes back does not take the route back while the primary is up.
 *
 * <p>All three run in the test's namespace, but in userspace networking the client's
 * {@code tailscale nc} sends a routed address through the tailnet only, so a request that
 * succeeds went through a router. Which one: the client's {@code PrimaryRoutes} say where it
 * sends, and the Java node's relay counters say whether it carried the connection (unchanged
 * while the Java node is up but not primary: the tailscaled carried it).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaRoutesInteropTest {
    private static final String SUBNET = "10.78.29.0/24";
    private static final String SUBNET_HOST = "10.78.29.2";
    private static final int HTTP_PORT = 8080;
    private static final Duration IO = Duration.ofSeconds(20);
    private static final Duration ROUTES_SEEN = Duration.ofSeconds(60);
    /** How long after a router goes away the client's requests must work again through the other. */
    private static final Duration FAILOVER = Duration.ofSeconds(30);
    /** Long enough for headscale's HA prober to ping both routers twice and judge them. */
    private static final Duration PROBES = Duration.ofSeconds(25);
    private static final String TOKEN = UUID.randomUUID().toString();
    private static final String RELAYED = "tcp_connections_relayed";

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.withPolicy("""
            {"acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}""");

    private static ManagedProcess server;
    private static Tailscaled client;
    private static Tailscaled tsRouter;
    /** The Java router; after the restart, the one this class started and closes. */
    private static TailnetNode javaRouter;
    private static TailnetNode restarted;

    @BeforeAll
    static void startTailnet() {
        NetworkNamespaces net = tailnet.namespaces();
        String subnet = net.create("subnet");
        net.linkToSelf("10.78.29.1/24", subnet, SUBNET_HOST + "/24");
        server = RouteHosts.httpServer(tailnet, subnet, SUBNET_HOST, HTTP_PORT, "subnet", TOKEN);

        client = tailnet.addNode("client");
        client.cli(IO, "set", "--accept-routes").requireSuccess();
        // The Java node registers first: of two routers online, headscale makes the lower node id primary.
        javaRouter = tailnet.addJavaNode("jrouter", client, b -> b.advertiseRoutes(List.of(SUBNET), false));
        approve("jrouter");
        awaitPrimary("jrouter");

        tsRouter = tailnet.addNode("tsrouter");
        tsRouter.cli(IO, "set", "--advertise-routes=" + SUBNET).requireSuccess();
        approve("tsrouter");
    }

    @AfterAll
    static void stopServers() {
        if (restarted != null) {
            restarted.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void theFirstRouterStaysPrimaryAndCarriesTheTraffic() throws InterruptedException {
        // headscale probes the routers of a prefix two nodes serve (a PingRequest every 10 s, 5 s to
        // answer) and takes the primary role from one that does not answer: it must stay through probes.
        long until = System.nanoTime() + PROBES.toNanos();
        while (System.nanoTime() < until) {
            assertThat(primaryRoutes("jrouter")).as("the Java node answers headscale's HA probes").containsExactly(SUBNET);
            Thread.sleep(1_000);
        }
        long before = relayed(javaRouter);
        assertThat(get()).endsWith("subnet " + TOKEN + "\n");
        assertThat(relayed(javaRouter)).isGreaterThan(before);
        assertThat(primaryRoutes("jrouter")).containsExactly(SUBNET);
        assertThat(primaryRoutes("tsrouter")).as("the second router is a standby").isEmpty();
    }

    @Test
    @Order(2)
    void whenTheJavaRouterClosesTheRouteMovesToTheTailscaled() {
        javaRouter.close();
        long closed = System.nanoTime();
        awaitPrimary("tsrouter");
        assertThat(get()).endsWith("subnet " + TOKEN + "\n");
        System.out.printf("HA: Java router closed -> request through tailscaled after %d ms%n",
                (System.nanoTime() - closed) / 1_000_000);
    }

    @Test
    @Order(3)
    void theReturningJavaRouterStaysStandbyWhileTheTailscaledIsUp() throws InterruptedException {
        restarted = tailnet.javaNodeBuilder("jrouter").advertiseRoutes(List.of(SUBNET), false).build();
        restarted.start();
        Await.until(IO, "the Java router to connect again", () -> restarted.state() == NodeState.CONNECTED);
        Await.until(IO, "the client to see the Java router online again",
                () -> client.status().peer("jrouter").map(p -> p.online()).orElse(false));
        long id = tailnet.headscale().node("jrouter").orElseThrow().id();
        assertThat(tailnet.headscale().routes(id).get(1)).as("its approval kept: the same node").containsExactly(SUBNET);
        // Time for any netmap a return would cause to reach the client.
        Thread.sleep(3_000);
        assertThat(primaryRoutes("tsrouter")).containsExactly(SUBNET);
        assertThat(primaryRoutes("jrouter")).isEmpty();
        assertThat(get()).endsWith("subnet " + TOKEN + "\n");
        assertThat(relayed(restarted)).as("the tailscaled carried it, not the standby Java node").isZero();
    }

    @Test
    @Order(4)
    void whenTheTailscaledStopsTheRouteMovesBackToTheJavaNode() {
        tailnet.removeNode(tsRouter);
        long stopped = System.nanoTime();
        awaitPrimary("jrouter");
        long primary = System.nanoTime();
        long before = relayed(restarted);
        // The client still holds its WireGuard session with the Java node from before the restart,
        // which the restarted node no longer has; it kept its disco key, so tailscaled does not reset
        // the session. The Java node, seeing the client's data for a session it lacks, handshakes at
        // once (plain WireGuard would wait for the client's own 15 s rehandshake).
        assertThat(get()).endsWith("subnet " + TOKEN + "\n");
        long answered = System.nanoTime();
        assertThat(relayed(restarted)).isGreaterThan(before);
        System.out.printf("HA: tailscaled router stopped -> request through the Java node after %d ms"
                + " (%d ms after the client took it as primary)%n",
                (answered - stopped) / 1_000_000, (answered - primary) / 1_000_000);
        assertThat(Duration.ofNanos(answered - primary)).as("not the client's own 15 s rehandshake")
                .isLessThan(Duration.ofSeconds(10));
    }

    private static void approve(String name) {
        long id = tailnet.headscale().node(name).orElseThrow().id();
        Await.until(ROUTES_SEEN, "headscale to hear " + name + " advertise " + SUBNET,
                () -> tailnet.headscale().routes(id).getFirst().contains(SUBNET));
        tailnet.headscale().approveRoutes(id, SUBNET);
    }

    /** Waits until the client takes {@code name} as the subnet's router. */
    private static void awaitPrimary(String name) {
        Await.until(FAILOVER, "the client to take " + SUBNET + " through " + name,
                () -> primaryRoutes(name).contains(SUBNET));
    }

    private static List<String> primaryRoutes(String name) {
        return client.status().peer(name).map(p -> p.primaryRoutes()).orElse(List.of());
    }

    private static long relayed(TailnetNode node) {
        return node.relayCounters().getOrDefault(RELAYED, 0L);
    }

    /** A plain HTTP/1.0 GET by the client's {@code tailscale nc}, retried until it answers. */
    private static String get() {
        byte[] request = RouteHosts.REQUEST.getBytes(StandardCharsets.US_ASCII);
        return Await.result(FAILOVER, "an answer from " + SUBNET_HOST + " through a router", () -> {
            try {
                String answer = new String(client.nc(SUBNET_HOST, HTTP_PORT, request, 4096, Duration.ofSeconds(3)),
                        StandardCharsets.UTF_8);
                return answer.contains(TOKEN) ? answer : null;
            } catch (Exec.CommandFailedException e) {
                return null; // no router yet: try again
            }
        });
    }
}
