package io.microlink.interop.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Dnsmasq;
import io.microlink.interop.Exec;
import io.microlink.interop.TailscaleStatus;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java node as an exit node that answers DNS, as tailscaled's exit nodes do: its peerAPI
 * serves DNS-over-HTTP ({@code /dns-query}) from its own resolvers (here {@code dnsUpstreams}: a
 * dnsmasq on a loopback address that alone knows {@value #ZONE}) to the peers allowed to use
 * it. The Java node ("jexit") is user ops's; alice's rules reach everything, so she may use its
 * DNS; bob's reach one port of ops's nodes, not the internet and not the peerAPI's port, so his
 * request gets in only because the peerAPI port passes the packet filter (as tailscaled lets it
 * pass), and is then refused. Neither is ops, so both are judged by the rules, as tailscaled
 * judges them (a peer of the exit node's own user may always ask).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExitNodeDnsInteropTest {
    private static final String ZONE = "javaexit.test";
    private static final String NAME = "www." + ZONE;
    private static final String ADDRESS = "192.0.2.91";
    private static final Duration IO = Duration.ofSeconds(20);
    private static final Duration SEEN = Duration.ofSeconds(60);
    private static final String POLICY = """
            {"acls": [{"action": "accept", "src": ["alice@"], "dst": ["*:*"]},
                      {"action": "accept", "src": ["bob@"], "dst": ["ops@:7000"]}]}""";
    /** An A query for {@value #NAME}, ID 0x4242, as RFC 8484's GET carries it. */
    private static final byte[] QUERY = query();

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.withPolicy(POLICY);

    private static Dnsmasq resolver;
    private static Tailscaled alice;
    private static Tailscaled bob;
    private static TailnetNode exit;

    @BeforeAll
    static void startTailnet() throws IOException {
        InetAddress listen = InetAddress.ofLiteral("127.54." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255));
        resolver = Dnsmasq.start(Files.createTempDirectory(tailnet.dir(), "dnsmasq"), listen, 53, ZONE,
                List.of("--host-record=" + NAME + "," + ADDRESS));
        alice = tailnet.addNode("alicec", "alice", Tailscaled.Options.DEFAULT);
        bob = tailnet.addNode("bobc", "bob", Tailscaled.Options.DEFAULT);
        exit = tailnet.addJavaNode("jexit", alice, b -> b.authKey(tailnet.reusableKey("ops").key())
                .advertiseRoutes(List.of(), true).dnsUpstreams(List.of(resolver.address())));
        long id = tailnet.headscale().node("jexit").orElseThrow().id();
        Await.until(SEEN, "headscale to hear the exit routes", () -> tailnet.headscale().routes(id).getFirst()
                .containsAll(List.of("0.0.0.0/0", "::/0")));
        tailnet.headscale().approveRoutes(id, "0.0.0.0/0", "::/0");
        Await.until(SEEN, "alice to see jexit as an exit node offering DNS", () -> alice.status().peer("jexit")
                .map(p -> p.exitNodeOption() && !p.peerApiUrls().isEmpty()).orElse(false));
        // The harness's nodes start with --accept-dns=false, which leaves tailscaled's forwarder no route at all.
        alice.cli(IO, "set", "--exit-node=jexit", "--accept-dns=true").requireSuccess();
    }

    @AfterAll
    static void stopResolver() {
        if (resolver != null) {
            resolver.close();
        }
    }

    /**
     * A real tailscaled using the Java node as exit node resolves a name only the Java node's
     * resolver knows: its forwarder sends it to jexit's peerAPI, which asks the dnsmasq.
     */
    @Test
    void tailscaledResolvesThroughTheJavaExitNodesDns() {
        String answer = Await.result(IO, "alice's tailscaled to resolve " + NAME + " through jexit", () -> {
            Exec.Result r = alice.cli(IO, "dns", "query", NAME, "A");
            return r.exitCode() == 0 && r.stdout().contains(ADDRESS) ? r.stdout() : null;
        });
        assertThat(answer).contains(ADDRESS);
        assertThat(resolver.log(50)).contains("query[A] " + NAME);
        assertThat(alice.status().peer("jexit").orElseThrow().peerApiUrls())
                .allMatch(u -> u.startsWith("http://100.") || u.startsWith("http://[fd7a:"));
    }

    /**
     * Bob may reach one port of jexit, not the internet: its peerAPI port lets his connection in (as
     * tailscaled's filter lets the peerAPI port through) and refuses his query, 403 "DNS access denied", while
     * alice's identical request is answered.
     */
    @Test
    void aPeerTheRulesKeepFromTheInternetIsRefused() {
        long deniedBefore = exit.metrics().dropped().getOrDefault("peerapi_dns_denied", 0L);
        String bobs = getDnsQuery(bob);
        assertThat(bobs).startsWith("HTTP/1.1 403").endsWith("DNS access denied\n");
        assertThat(exit.metrics().dropped().getOrDefault("peerapi_dns_denied", 0L)).isGreaterThan(deniedBefore);
        String alices = getDnsQuery(alice);
        assertThat(alices).startsWith("HTTP/1.1 200").contains("Content-Type: application/dns-message");
    }

    /** A GET /dns-query?dns=... to jexit's IPv4 peerAPI through {@code client}'s {@code tailscale nc}: the whole answer. */
    private static String getDnsQuery(Tailscaled client) {
        URI base = URI.create(alice.status().peer("jexit").flatMap(ExitNodeDnsInteropTest::ipv4PeerApi).orElseThrow());
        String request = "GET /dns-query?dns=" + Base64.getUrlEncoder().withoutPadding().encodeToString(QUERY)
                + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\nConnection: close\r\n\r\n";
        byte[] reply = Await.result(IO, "an answer from jexit's peerAPI", () -> {
            try {
                byte[] r = client.nc(base.getHost(), base.getPort(), request.getBytes(StandardCharsets.US_ASCII), 4096,
                        Duration.ofSeconds(8));
                return r.length == 0 ? null : r;
            } catch (Exec.CommandFailedException e) {
                return null;
            }
        });
        return new String(reply, StandardCharsets.ISO_8859_1);
    }

    private static Optional<String> ipv4PeerApi(TailscaleStatus.Peer peer) {
        return peer.peerApiUrls().stream().filter(u -> !u.contains("[")).findFirst();
    }

    private static byte[] query() {
        byte[] head = {0x42, 0x42, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(head);
        for (String label : NAME.split("\\.")) {
            out.write(label.length());
            out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return out.toByteArray();
    }
}
