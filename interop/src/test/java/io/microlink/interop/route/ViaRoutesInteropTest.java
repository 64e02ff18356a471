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
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * 4via6: two sites with the same IPv4 subnet, 10.77.0.0/24, each with a host at 10.77.0.2 that
 * answers with its site's name. Site 7 lies behind the Java node (a veth from this JVM's own
 * namespace), site 8 behind a real tailscaled in a namespace of its own, whose only way to
 * headscale (control and DERP on one TCP port of this namespace's loopback) is a socat pair
 * joined through a Unix socket. A real tailscaled client with {@code --accept-routes} reaches
 * each site's host by its via address, over TCP and UDP, and gets that site's answer, and pings
 * site 7's host; the Java node, accepting routes too, reaches site 8's host through the tailscaled
 * router by its MagicDNS name {@code 10-77-0-2-via-8}. The real tailscaled's MagicDNS answer for
 * {@code 10-77-0-2-via-7} is the via address the Java node serves. Last, an ACL that grants all
 * of 10.77.0.0/24 but only the UDP port of site 7's via route stops TCP at the Java node while
 * UDP passes: the tailnet's rules judge the via address, as tailscaled's filter does.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViaRoutesInteropTest {
    private static final String HOST = "10.77.0.2";
    /** {@code tailscale debug via 7 10.77.0.0/24} printed this; 8 gives ...:0:8:a4d:0/120. */
    private static final String SITE7 = "fd7a:115c:a1e0:b1a:0:7:a4d:0/120";
    private static final String SITE8 = "fd7a:115c:a1e0:b1a:0:8:a4d:0/120";
    private static final String HOST7 = "fd7a:115c:a1e0:b1a:0:7:a4d:2";
    private static final String HOST8 = "fd7a:115c:a1e0:b1a:0:8:a4d:2";
    /** 10.77.0.99 of site 7: no host has it, so no pong may come back. */
    private static final String NOBODY7 = "fd7a:115c:a1e0:b1a:0:7:a4d:63";
    private static final int HTTP_PORT = 8080;
    private static final int UDP_PORT = 7007;
    private static final Duration IO = Duration.ofSeconds(20);
    private static final Duration ROUTES_SEEN = Duration.ofSeconds(60);
    private static final String TOKEN = UUID.randomUUID().toString();

    private static final String ALLOW_ALL = """
            {"acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}""";
    /**
     * The tailnet's own addresses (not the via range, which fd7a:115c:a1e0::/48 would hold), all of
     * 10.77.0.0/24, and of site 7's via route only its UDP port.
     */
    private static final String SITE7_UDP_ONLY = """
            {"acls": [{"action": "accept", "src": ["*"],
                       "dst": ["100.64.0.0/10:*", "fd7a:115c:a1e0::/64:*", "10.77.0.0/24:*",
                               "fd7a:115c:a1e0:b1a:0:7:a4d:0/120:7007"]}]}""";

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.withPolicy(ALLOW_ALL);

    private static final List<AutoCloseable> started = new ArrayList<>();
    private static Path shortDir;
    private static Tailscaled client;
    private static TailnetNode javaRouter;

    @BeforeAll
    static void startTailnet() throws IOException {
        NetworkNamespaces net = tailnet.namespaces();
        String site7 = net.create("site7");
        net.linkToSelf("10.77.0.1/24", site7, HOST + "/24");
        String router8 = net.create("router8");
        String site8 = net.create("site8");
        net.link(router8, "10.77.0.1/24", site8, HOST + "/24");
        // A network for tailscaled to see as up; its packets never need to leave by it.
        net.exec(router8, "ip", "route", "add", "default", "via", HOST).requireSuccess();
        for (String[] site : new String[][] {{site7, "site7"}, {site8, "site8"}}) {
            started.add(RouteHosts.httpServer(tailnet, site[0], HOST, HTTP_PORT, site[1], TOKEN));
            started.add(udpNamer(site[0], site[1]));
        }
        controlInto(router8);

        client = tailnet.addNode("client");
        client.cli(IO, "set", "--accept-routes").requireSuccess();
        Tailscaled tsRouter = Tailscaled.start("tsrouter8", tailnet.dir().resolve("tsrouter8"),
                Tailscaled.Options.DEFAULT, router8);
        started.add(tsRouter);
        tsRouter.up(tailnet.headscale().url(), tailnet.reusableKey(TestTailnet.DEFAULT_USER));
        tsRouter.cli(IO, "set", "--advertise-routes=" + SITE8).requireSuccess();
        javaRouter = tailnet.addJavaNode("jrouter7", client,
                b -> b.advertiseRoutes(List.of(SITE7), false).acceptRoutes(true));
        approve("jrouter7", SITE7);
        approve("tsrouter8", SITE8);
        Await.until(ROUTES_SEEN, "the client to take both sites' via routes", () -> {
            var status = client.status();
            return status.peer("jrouter7").map(p -> p.primaryRoutes().contains(SITE7)).orElse(false)
                    && status.peer("tsrouter8").map(p -> p.primaryRoutes().contains(SITE8)).orElse(false);
        });
    }

    @AfterAll
    static void stopAll() throws IOException {
        for (AutoCloseable c : started.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // the next one still gets closed
            }
        }
        if (shortDir != null) {
            try (var files = Files.list(shortDir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(shortDir);
        }
    }

    @Test
    @Order(1)
    void tailscaledReachesEachSitesHostOverTcpByItsViaAddress() {
        assertThat(get(HOST7)).endsWith("site7 " + TOKEN + "\n");
        assertThat(get(HOST8)).endsWith("site8 " + TOKEN + "\n");
        assertThat(javaRouter.relayCounters().getOrDefault("tcp_connections_relayed", 0L)).isPositive();
    }

    @Test
    @Order(2)
    void tailscaledGetsEachSitesOwnUdpAnswer() throws IOException {
        assertThat(udp(HOST7)).isEqualTo("site7\n");
        assertThat(udp(HOST8)).isEqualTo("site8\n");
        assertThat(javaRouter.relayCounters().getOrDefault("udp_flows_opened", 0L)).isPositive();
    }

    @Test
    @Order(3)
    void aPingToAViaAddressIsAnsweredForALiveHostOfTheJavaNodesSiteOnly() {
        List<PingReply> pongs = Await.result(IO, "an ICMP pong from " + HOST7, () -> {
            try {
                return client.ping(HOST7, "--icmp", "-c", "2");
            } catch (Exec.CommandFailedException e) {
                return null;
            }
        });
        assertThat(pongs.getFirst().nodeName()).startsWith("jrouter7");
        Exec.Result silent = client.cli(IO, "ping", "--icmp", "-c", "2", "--timeout", "2s", NOBODY7);
        assertThat(silent.stdout()).doesNotContain("pong");
        assertThat(javaRouter.relayCounters().getOrDefault("pings_answered", 0L)).isPositive();
    }

    @Test
    @Order(4)
    void tailscaledsMagicDnsNamesTheViaAddressTheJavaNodeServes() {
        String answer = client.cli(IO, "dns", "query", "10-77-0-2-via-7", "AAAA").requireSuccess().stdout();
        assertThat(answer).contains(HOST7);
    }

    @Test
    @Order(5)
    void theJavaNodeReachesSite8ThroughTheTailscaledRouter() {
        String answer = Await.result(ROUTES_SEEN, "site 8's answer to the Java node", () -> {
            // By its MagicDNS name, which the Java node reads as tailscale's resolver does.
            try (TailnetSocket s = javaRouter.dial("10-77-0-2-via-8", HTTP_PORT, Duration.ofSeconds(5))) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(RouteHosts.REQUEST.getBytes(StandardCharsets.US_ASCII));
                String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return text.contains(TOKEN) ? text : null;
            } catch (IOException e) {
                return null; // the route not taken yet
            }
        });
        assertThat(answer).endsWith("site8 " + TOKEN + "\n");
    }

    @Test
    @Order(6)
    void theAclJudgesTheViaAddressNotTheIpv4HostBehindIt() throws IOException {
        tailnet.headscale().setPolicy(SITE7_UDP_ONLY);
        try {
            long droppedBefore = javaRouter.metrics().dropped().getOrDefault("filter_no_rule", 0L);
            Await.until(ROUTES_SEEN, "the Java node's filter to refuse site 7's web server by its via address", () -> {
                try {
                    client.nc(HOST7, HTTP_PORT, RouteHosts.REQUEST.getBytes(StandardCharsets.US_ASCII), 1,
                            Duration.ofSeconds(3));
                    return false; // still let through
                } catch (Exec.CommandFailedException refused) {
                    return javaRouter.metrics().dropped().getOrDefault("filter_no_rule", 0L) > droppedBefore;
                }
            });
            assertThat(udp(HOST7)).isEqualTo("site7\n");
        } finally {
            tailnet.headscale().setPolicy(ALLOW_ALL);
        }
        assertThat(get(HOST7)).endsWith("site7 " + TOKEN + "\n");
    }

    /** A UDP server on {@code HOST}:{@value #UDP_PORT} of {@code ns} that answers every datagram with its label. */
    private static ManagedProcess udpNamer(String ns, String label) {
        return tailnet.namespaces().start(ns, "udp-" + label, List.of("socat", "UDP-LISTEN:" + UDP_PORT + ",bind="
                + HOST + ",fork,reuseaddr", "SYSTEM:echo " + label), Map.of(), tailnet.dir().resolve("udp-" + label + ".log"));
    }

    /**
     * Headscale's port on {@code ns}'s loopback: a socat there hands each connection through a
     * Unix socket (a file, which every namespace sees) to a socat here that dials headscale.
     */
    private static void controlInto(String ns) throws IOException {
        int port = URI.create(tailnet.headscale().url()).getPort();
        shortDir = Files.createTempDirectory(Path.of("/tmp"), "mlvia"); // a Unix socket path is short
        Path socket = shortDir.resolve("hs.sock");
        started.add(ManagedProcess.start("control-here", List.of("socat", "UNIX-LISTEN:" + socket + ",fork",
                "TCP:127.0.0.1:" + port), Map.of(), tailnet.dir().resolve("control-here.log")));
        Await.until(IO, "the control socket", () -> Files.exists(socket));
        started.add(tailnet.namespaces().start(ns, "control-there", List.of("socat", "TCP-LISTEN:" + port
                + ",bind=127.0.0.1,fork,reuseaddr", "UNIX-CONNECT:" + socket), Map.of(),
                tailnet.dir().resolve("control-there.log")));
    }

    private static void approve(String node, String route) {
        long id = tailnet.headscale().node(node).orElseThrow().id();
        Await.until(ROUTES_SEEN, "headscale to hear " + node + " advertise " + route,
                () -> tailnet.headscale().routes(id).getFirst().contains(route));
        tailnet.headscale().approveRoutes(id, route);
    }

    /** A plain HTTP/1.0 GET by {@code tailscale nc} on the client, the answer as text. */
    private static String get(String host) {
        byte[] request = RouteHosts.REQUEST.getBytes(StandardCharsets.US_ASCII);
        return Await.result(IO, "an answer from " + host, () -> {
            try {
                String answer = new String(client.nc(host, HTTP_PORT, request, 4096, Duration.ofSeconds(5)),
                        StandardCharsets.UTF_8);
                return answer.contains(TOKEN) ? answer : null;
            } catch (Exec.CommandFailedException e) {
                return null;
            }
        });
    }

    /** One datagram to {@code host} through the client's SOCKS5 proxy, and the text that came back. */
    private static String udp(String host) throws IOException {
        try (Socks5UdpAssociation udp = Socks5UdpAssociation.open(client.socks5Port())) {
            Socks5UdpAssociation.Reply reply = Await.result(IO, "a UDP answer from " + host, () -> {
                try {
                    udp.send(new InetSocketAddress(host, UDP_PORT), "who?".getBytes(StandardCharsets.US_ASCII));
                    return udp.receive(Duration.ofSeconds(2));
                } catch (IOException e) {
                    return null;
                }
            });
            assertThat(reply.from()).isEqualTo(new InetSocketAddress(host, UDP_PORT));
            return new String(reply.data(), StandardCharsets.UTF_8);
        }
    }
}
