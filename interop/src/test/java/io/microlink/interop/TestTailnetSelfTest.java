package io.microlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves the harness with real programs only: headscale, three tailscaled nodes (one of
 * them with UDP disabled so that its paths must be relayed).
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestTailnetSelfTest {
    private static final Duration MESH_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    static Tailscaled ts1, ts2, relayed;

    @BeforeAll
    static void startNodes() {
        ts1 = tailnet.addNode("ts1");
        ts2 = tailnet.addNode("ts2");
        relayed = tailnet.addNode("relayed", TestTailnet.DEFAULT_USER, Tailscaled.Options.DERP_ONLY);
        tailnet.awaitMesh(MESH_TIMEOUT);
    }

    @Test
    @Order(1)
    void headscaleListsEveryNodeOnlineWithTheAddressesTheNodesReport() {
        List<Headscale.Node> nodes = tailnet.headscale().nodes();
        assertThat(nodes).extracting(Headscale.Node::givenName).containsExactlyInAnyOrder("ts1", "ts2", "relayed");
        for (Tailscaled ts : List.of(ts1, ts2, relayed)) {
            Headscale.Node n = nodes.stream().filter(x -> x.givenName().equals(ts.hostname())).findFirst().orElseThrow();
            assertThat(n.online()).as("%s online in headscale", ts.hostname()).isTrue();
            assertThat(n.user()).isEqualTo(TestTailnet.DEFAULT_USER);
            assertThat(n.ipAddresses()).containsExactlyInAnyOrderElementsOf(ts.ip());
            assertThat(n.nodeKey()).isEqualTo(ts.status().self().publicKey());
        }
    }

    @Test
    @Order(2)
    void peersResolveEachOtherByMagicDnsName() {
        // tailscale ip matches the short name or the dotted FQDN from the netmap; an
        // undotted FQDN would go to the OS resolver, which the isolated namespace lacks.
        String fqdn = "ts2." + tailnet.headscale().baseDomain() + ".";
        assertThat(ts1.status().peer("ts2").orElseThrow().dnsName()).isEqualTo(fqdn);
        assertThat(ts1.ip("-4", fqdn)).containsExactlyElementsOf(ts2.ip("-4"));
        assertThat(ts1.ip("-4", "ts2")).containsExactlyElementsOf(ts2.ip("-4"));
    }

    @Test
    @Order(3)
    void pingToANodeWithoutUdpGoesViaTheEmbeddedDerp() {
        List<PingReply> replies = ts1.ping("relayed", "--until-direct=false", "-c", "1");
        assertThat(replies.getFirst().via()).isEqualTo("DERP(" + tailnet.headscale().derpRegionCode() + ")");
        assertThat(relayed.ping("ts1", "--until-direct=false", "-c", "1").getFirst().viaDerp()).isTrue();
    }

    @Test
    @Order(4)
    void twoUdpNodesReachADirectLoopbackPath() {
        // tailscale ping stops at the first direct pong; earlier pongs may be relayed.
        List<PingReply> replies = ts1.ping("ts2", "-c", "20");
        assertThat(replies.getLast().direct()).as("last of %s is direct", replies).isTrue();
        assertThat(replies.getLast().via()).isEqualTo("127.0.0.1:" + ts2.port());
        assertThat(ts2.ping("ts1", "-c", "20").getLast().via()).isEqualTo("127.0.0.1:" + ts1.port());
    }

    @Test
    @Order(5)
    void tcpEchoThroughTailscaleNc() throws Exception {
        byte[] payload = new byte[16 * 1024];
        new Random(42).nextBytes(payload);
        // ts2 runs in userspace mode: inbound tailnet TCP is forwarded to its host's loopback.
        try (TcpEchoServer echo = new TcpEchoServer()) {
            String ts2Ip = ts2.ip("-4").getFirst();
            byte[] back = ts1.nc(ts2Ip, echo.port(), payload, payload.length, Duration.ofSeconds(30));
            assertThat(back).isEqualTo(payload);
            assertThat(echo.connections()).isEqualTo(1);
        }
    }

    @AfterAll
    static void nothingOfTheTailnetOutlivesIt() {
        String dir = tailnet.dir().toString();
        tailnet.close();
        Await.until(Duration.ofSeconds(15), "all processes under " + dir + " to exit",
                () -> Reaper.harnessProcesses(dir).isEmpty());
        assertThat(tailnet.dir()).doesNotExist();
    }
}
