package io.microlink.interop.nat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.NatTopology;
import io.microlink.interop.NetworkNamespaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java daemon in TUN mode, in a LAN namespace of its own behind a NAT router (control, its
 * relay and STUN on the lab's public network, none of it on loopback), uses a real tailscaled
 * ({@code --advertise-exit-node}, approved) as its exit node: {@code curl} run in the Java node's
 * namespace reaches a host one gateway behind the tailscaled's host, which nothing else routes to,
 * while the node stays connected (its own sockets carry the bypass mark past table 52). With
 * {@code --exit-node-allow-lan-access} the LAN stays on the host's routes; without it, it goes to
 * the device. Once control withdraws the exit routes, and after a stop, the namespace's rules and
 * table 52 are as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TunExitNodeInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DEV = "mlexit0";
    private static final String FAR_HOST = "198.18.41.2";
    private static final int PORT = 8080;
    private static final String TOKEN = UUID.randomUUID().toString();

    @TempDir
    static Path dir;
    private NatLab lab;
    private NatTopology.Router router;
    private NatLab.JavaNode java;
    private String exitIp;
    private long exitId;
    private ManagedProcess farServer;
    private String rulesBefore;

    @BeforeAll
    void labExitNodeAndFarHost() {
        lab = new NatLab();
        router = lab.net().router("rx", NatTopology.Nat.EASY);
        NatLab.TailscaledNode exit = (NatLab.TailscaledNode) lab.tailscaled("tsexit", router);
        exit.up();
        exit.tailscaled().cli(WAIT, "set", "--advertise-exit-node").requireSuccess();
        exitIp = exit.tailscaled().ip("-4").getFirst();
        exitId = lab.headscale().node("tsexit").orElseThrow().id();
        Await.until(WAIT, "headscale to hear the exit routes",
                () -> lab.headscale().routes(exitId).getFirst().containsAll(List.of("0.0.0.0/0", "::/0")));
        lab.headscale().approveRoutes(exitId, "0.0.0.0/0", "::/0");
        farServer = farHostBehind(exit.host().namespace());

        java = (NatLab.JavaNode) lab.java("mlx", router, Map.of(), "--tun", DEV);
        rulesBefore = rulesAndTable52();
        java.up();
        assertThat(status().path("tunActive").asBoolean()).as("TUN mode, not the fallback").isTrue();
    }

    /** A gateway namespace behind the exit node's host, and the far host with a web server behind it. */
    private ManagedProcess farHostBehind(String exitHost) {
        NetworkNamespaces ns = lab.net().namespaces();
        String gateway = ns.create("xgw");
        String far = ns.create("xfar");
        ns.link(exitHost, "10.81.0.1/24", gateway, "10.81.0.2/24");
        ns.link(gateway, "198.18.41.1/24", far, FAR_HOST + "/24");
        ns.exec(gateway, "sysctl", "-w", "net.ipv4.ip_forward=1").requireSuccess();
        ns.exec(far, "ip", "route", "add", "default", "via", "198.18.41.1").requireSuccess();
        ns.exec(gateway, "ip", "route", "add", "default", "via", "10.81.0.1").requireSuccess();
        ns.exec(exitHost, "ip", "route", "add", "198.18.41.0/24", "via", "10.81.0.2").requireSuccess();
        Path script = dir.resolve("far.sh");
        try {
            Files.writeString(script, "#!/bin/sh\nprintf 'HTTP/1.0 200 OK\\r\\n\\r\\nfar " + TOKEN + "\\n'\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ns.start(far, "far-web", List.of("socat", "TCP-LISTEN:" + PORT + ",bind=" + FAR_HOST + ",fork,reuseaddr",
                "EXEC:" + script), Map.of(), dir.resolve("far-web.log"));
    }

    @AfterAll
    void stop() {
        if (farServer != null) {
            farServer.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void withoutTheExitNodeTheFarHostIsUnreachable() {
        assertThat(curlFar().succeeded()).isFalse();
    }

    @Test
    @Order(2)
    void throughTheExitNodeCurlReachesTheFarHostAndTheNodeStaysConnected() {
        up("--exit-node", exitIp);
        String page = Await.result(WAIT, "curl in the Java node's namespace to reach " + FAR_HOST + "\n"
                + java.logTail(), () -> {
                    Exec.Result r = curlFar();
                    return r.succeeded() ? r.stdout() : null;
                });
        assertThat(page).isEqualTo("far " + TOKEN + "\n");
        assertThat(inJava("ip", "-4", "rule", "show").stdout()).contains("5210:").contains("5270:")
                .contains("lookup 52");
        assertThat(inJava("ip", "route", "get", router.lanGateway()).stdout()).as("the LAN goes to the exit node too")
                .contains("dev " + DEV);
        assertThat(status().path("state").asText()).isEqualTo("CONNECTED");
        assertThat(status().path("exitNode").asText()).isEqualTo("tsexit");
        // A fresh request to control, over a new marked connection, still gets through.
        assertThat(java.daemon().cli("ping", "-c", "2", "--timeout", "5s", "tsexit").succeeded()).isTrue();
    }

    @Test
    @Order(3)
    void withLanAccessTheLanStaysOnTheHostsRoutes() {
        up("--exit-node", exitIp, "--exit-node-allow-lan-access");
        Await.until(WAIT, "the LAN to leave the device", () -> !inJava("ip", "route", "get", router.lanGateway())
                .stdout().contains("dev " + DEV));
        assertThat(Await.result(WAIT, "the far host again", () -> {
            Exec.Result r = curlFar();
            return r.succeeded() ? r.stdout() : null;
        })).isEqualTo("far " + TOKEN + "\n");
    }

    @Test
    @Order(4)
    void whenTheExitNodeGoesFromTheNetmapTheRulesAreAsBefore() {
        // Control withdraws the exit routes: the node, still asked to use tsexit, gives the host its routes back.
        lab.headscale().approveRoutes(exitId);
        Await.until(WAIT, () -> "the rules to be as before:\n" + rulesBefore + "\nnot\n" + rulesAndTable52() + "\n" + status() + "\n"
                + java.logTail(),
                () -> rulesAndTable52().equals(rulesBefore));
        assertThat(curlFar().succeeded()).isFalse();
    }

    @Test
    @Order(5)
    void stoppedTheRulesAreAsBefore() {
        lab.headscale().approveRoutes(exitId, "0.0.0.0/0", "::/0");
        Await.until(WAIT, "the exit routing again", () -> inJava("ip", "-4", "rule", "show").stdout().contains("lookup 52"));
        java.daemon().close();
        assertThat(rulesAndTable52()).isEqualTo(rulesBefore);
    }

    private void up(String... flags) {
        List<String> args = new ArrayList<>(List.of(java.upFlags(WAIT)));
        args.addAll(List.of(flags));
        java.daemon().cli(args.toArray(String[]::new)).requireSuccess();
    }

    private Exec.Result curlFar() {
        return lab.net().namespaces().exec(java.host().namespace(), Duration.ofSeconds(15), "curl", "-sS",
                "--max-time", "5", "http://" + FAR_HOST + ":" + PORT + "/");
    }

    private Exec.Result inJava(String... command) {
        return lab.net().namespaces().exec(java.host().namespace(), command);
    }

    /** The namespace's policy rules (both families) and table 52's routes. */
    private String rulesAndTable52() {
        return String.join("\n", inJava("ip", "-4", "rule", "show").stdout(), inJava("ip", "-6", "rule", "show").stdout(),
                inJava("ip", "-4", "route", "show", "table", "52").stdout(),
                inJava("ip", "-6", "route", "show", "table", "52").stdout());
    }

    private JsonNode status() {
        try {
            return JSON.readTree(java.daemon().cli("status", "--json").requireSuccess().stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
