package io.microlink.interop.nat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.NatTopology;
import io.microlink.interop.NetworkNamespaces;
import io.microlink.interop.Tailscaled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * The Java daemon in TUN mode with {@code --accept-routes}, in a LAN namespace of its own behind a
 * NAT router (control, its relay and STUN on the lab's public network), and a real tailscaled
 * subnet router on the same LAN with a subnet host behind it (10.78.0.2), its route 10.78.0.0/24
 * and 4via6 route for site 9 approved in headscale. Plain {@code curl} and {@code ping} run in
 * the Java node's namespace reach the subnet host, by its address and by its via address; the
 * route goes from table 52 when headscale withdraws it, and after a stop the namespace's rules and
 * table 52 are as before. Serving: the Java node in TUN mode advertises a via route of its own
 * (site 5, a host behind it at 10.79.0.2), which the tailscaled reaches (from its own site 9 via
 * address, which it picks as the source once it has served site 9); and with a plain route
 * advertised and IP forwarding off, {@code status} says so until forwarding is turned on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TunAcceptRoutesInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DEV = "mlacc0";
    private static final String SUBNET = "10.78.0.0/24";
    private static final String SUBNET_HOST = "10.78.0.2";
    /** {@code microlink debug via 9 10.78.0.0/24}; its host 10.78.0.2. */
    private static final String VIA9 = "fd7a:115c:a1e0:b1a:0:9:a4e:0/120";
    private static final String VIA9_HOST = "fd7a:115c:a1e0:b1a:0:9:a4e:2";
    /** The Java node's own site: {@code microlink debug via 5 10.79.0.0/24}; its host 10.79.0.2. */
    private static final String JAVA_SUBNET = "10.79.0.0/24";
    private static final String VIA5 = "fd7a:115c:a1e0:b1a:0:5:a4f:0/120";
    private static final String VIA5_HOST = "fd7a:115c:a1e0:b1a:0:5:a4f:2";
    private static final int PORT = 8080;
    private static final String TOKEN = UUID.randomUUID().toString();

    @TempDir
    static Path dir;
    private NatLab lab;
    private NatLab.TailscaledNode router;
    private long routerId;
    private NatLab.JavaNode java;
    private final List<ManagedProcess> servers = new ArrayList<>();
    private String rulesBefore;

    @BeforeAll
    void labRouterSubnetAndJavaNode() {
        lab = new NatLab();
        NatTopology.Router nat = lab.net().router("ra", NatTopology.Nat.EASY);
        router = (NatLab.TailscaledNode) lab.tailscaled("tssub", nat);
        router.up();
        NetworkNamespaces ns = lab.net().namespaces();
        String site = ns.create("asite");
        ns.link(router.host().namespace(), "10.78.0.1/24", site, SUBNET_HOST + "/24");
        servers.add(webServer(site, SUBNET_HOST, "site9"));
        router.tailscaled().cli(WAIT, "set", "--advertise-routes=" + SUBNET + "," + VIA9, "--accept-routes")
                .requireSuccess();
        routerId = lab.headscale().node("tssub").orElseThrow().id();
        Await.until(WAIT, "headscale to hear the subnet routes",
                () -> lab.headscale().routes(routerId).getFirst().containsAll(List.of(SUBNET, VIA9)));
        lab.headscale().approveRoutes(routerId, SUBNET, VIA9);

        java = (NatLab.JavaNode) lab.java("mlacc", nat, Map.of(), "--tun", DEV);
        String javaSite = ns.create("jsite");
        ns.link(java.host().namespace(), "10.79.0.1/24", javaSite, "10.79.0.2/24");
        servers.add(webServer(javaSite, "10.79.0.2", "site5"));
        rulesBefore = rulesAndTable52();
        java.up();
        assertThat(status().path("tunActive").asBoolean()).as("TUN mode, not the fallback").isTrue();
    }

    /** A one-answer HTTP server on {@code address}:{@value #PORT} of {@code ns} answering {@code label TOKEN}. */
    private ManagedProcess webServer(String ns, String address, String label) {
        Path script = dir.resolve(label + ".sh");
        try {
            Files.writeString(script, "#!/bin/sh\nprintf 'HTTP/1.0 200 OK\\r\\n\\r\\n" + label + " " + TOKEN + "\\n'\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lab.net().namespaces().start(ns, label + "-web", List.of("socat",
                "TCP-LISTEN:" + PORT + ",bind=" + address + ",fork,reuseaddr", "EXEC:" + script), Map.of(),
                dir.resolve(label + "-web.log"));
    }

    @AfterAll
    void stop() {
        servers.forEach(ManagedProcess::close);
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void withoutAcceptRoutesTheSubnetHostIsUnreachableAndTable52Empty() {
        assertThat(curl(SUBNET_HOST).succeeded()).isFalse();
        assertThat(rulesAndTable52()).isEqualTo(rulesBefore);
    }

    @Test
    @Order(2)
    void withAcceptRoutesPlainCurlAndPingReachTheSubnetHost() {
        up("--accept-routes");
        assertThat(page(SUBNET_HOST)).isEqualTo("site9 " + TOKEN + "\n");
        assertThat(inJava("ip", "-4", "route", "show", "table", "52").stdout()).contains(SUBNET + " dev " + DEV);
        assertThat(inJava("ip", "-4", "rule", "show").stdout()).contains("5210:").contains("5270:")
                .contains("lookup 52");
        assertThat(inJava("ip", "route", "get", SUBNET_HOST).stdout()).contains("dev " + DEV);
        Await.until(WAIT, "a pong from " + SUBNET_HOST, () -> inJava("ping", "-c", "1", "-W", "3", SUBNET_HOST)
                .succeeded());
        // The node's own marked sockets keep the host's routes: still connected, a fresh ping answered.
        assertThat(status().path("state").asText()).isEqualTo("CONNECTED");
        assertThat(java.daemon().cli("ping", "-c", "2", "--timeout", "5s", "tssub").succeeded()).isTrue();
    }

    @Test
    @Order(3)
    void aViaAddressReachesSite9sHost() {
        assertThat(page("[" + VIA9_HOST + "]")).isEqualTo("site9 " + TOKEN + "\n");
    }

    @Test
    @Order(4)
    void whenHeadscaleWithdrawsTheRouteItLeavesTable52() {
        lab.headscale().approveRoutes(routerId, VIA9);
        Await.until(WAIT, () -> "the rules to be as before:\n" + rulesBefore + "\nnot\n" + rulesAndTable52() + "\n"
                + java.logTail(), () -> rulesAndTable52().equals(rulesBefore));
        assertThat(curl(SUBNET_HOST).succeeded()).isFalse();
        assertThat(page("[" + VIA9_HOST + "]")).as("the via route stays").isEqualTo("site9 " + TOKEN + "\n");
    }

    @Test
    @Order(5)
    void inTunModeTheJavaNodeServesItsOwnViaRouteAndSaysWhenForwardingIsOff() {
        inJava("sysctl", "-w", "net.ipv4.ip_forward=0").requireSuccess();
        up("--accept-routes", "--advertise-routes", JAVA_SUBNET + "," + VIA5);
        long id = lab.headscale().node("mlacc").orElseThrow().id();
        Await.until(WAIT, "headscale to hear the Java node's routes",
                () -> lab.headscale().routes(id).getFirst().containsAll(List.of(JAVA_SUBNET, VIA5)));
        lab.headscale().approveRoutes(id, VIA5);
        Tailscaled ts = router.tailscaled();
        byte[] request = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        String answer = Await.result(WAIT, "site 5's page through the Java node\n" + java.logTail(), () -> {
            try {
                String text = new String(ts.nc(VIA5_HOST, PORT, request, 4096, Duration.ofSeconds(5)),
                        StandardCharsets.UTF_8);
                return text.contains(TOKEN) ? text : null;
            } catch (Exec.CommandFailedException e) {
                return null;
            }
        });
        assertThat(answer).endsWith("site5 " + TOKEN + "\n");

        assertThat(health()).anySatisfy(w -> assertThat(w).startsWith("net.ipv4.ip_forward is off"));
        assertThat(java.daemon().cli("status").requireSuccess().stdout()).contains("health: net.ipv4.ip_forward is off");
        inJava("sysctl", "-w", "net.ipv4.ip_forward=1").requireSuccess();
        assertThat(health()).as("read afresh").isEmpty();
    }

    @Test
    @Order(6)
    void stoppedTheRulesAndTable52AreAsBefore() {
        lab.headscale().approveRoutes(routerId, SUBNET, VIA9);
        Await.until(WAIT, "the subnet route again", () -> inJava("ip", "-4", "route", "show", "table", "52")
                .stdout().contains(SUBNET));
        java.daemon().close();
        assertThat(rulesAndTable52()).isEqualTo(rulesBefore);
    }

    private void up(String... flags) {
        List<String> args = new ArrayList<>(List.of(java.upFlags(WAIT)));
        args.addAll(List.of(flags));
        java.daemon().cli(args.toArray(String[]::new)).requireSuccess();
    }

    /** The page {@code host} serves, fetched by plain curl in the Java node's namespace, once it answers. */
    private String page(String host) {
        return Await.result(WAIT, "curl in the Java node's namespace to reach " + host + "\n" + java.logTail(), () -> {
            Exec.Result r = curl(host);
            return r.succeeded() ? r.stdout() : null;
        });
    }

    private Exec.Result curl(String host) {
        return lab.net().namespaces().exec(java.host().namespace(), Duration.ofSeconds(15), "curl", "-sS", "-g",
                "--max-time", "5", "http://" + host + ":" + PORT + "/");
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

    private List<String> health() {
        List<String> out = new ArrayList<>();
        status().path("health").forEach(w -> out.add(w.asText()));
        return out;
    }

    private JsonNode status() {
        try {
            return JSON.readTree(java.daemon().cli("status", "--json").requireSuccess().stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
