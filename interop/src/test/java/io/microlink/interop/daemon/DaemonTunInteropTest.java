package io.microlink.interop.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.microlink.interop.MicrolinkProcess;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * {@code microlink daemon --tun NAME} beside a real tailscaled on headscale, in the test JVM's
 * own loopback-only network namespace (where the test runs as root): {@code status} says TUN,
 * the OS's own {@code ping} and {@code curl} reach the tailscaled node, a plain server on the
 * daemon's tailnet address is called by {@code tailscale nc} and names the caller with
 * {@code microlink whois IP}, proxies and served ports stay off (the web page is local only), and
 * the device goes with the daemon. A daemon whose device cannot be opened says so in {@code status} and runs its proxies.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonTunInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DEV = "mltun1";
    private static final String PAGE = "served behind tailscaled " + UUID.randomUUID() + "\n";

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static Tailscaled real;
    private static String realIp;
    private static HttpServer web;
    private static MicrolinkProcess tun;
    private static MicrolinkProcess fallback;

    @BeforeAll
    static void start() throws IOException {
        real = tailnet.addNode("real");
        realIp = real.ip("-4").getFirst();
        web = HttpServer.create(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0), 16);
        web.createContext("/", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.start();
        tun = new MicrolinkProcess(tailnet.dir().resolve("ml-tun")).start("--tun", DEV);
        up(tun, "java-t");
    }

    @AfterAll
    static void stop() {
        for (MicrolinkProcess p : new MicrolinkProcess[] {tun, fallback}) {
            if (p != null) {
                p.close();
            }
        }
        if (web != null) {
            web.stop(0);
        }
    }

    private static void up(MicrolinkProcess daemon, String hostname) {
        daemon.cli("up", "--login-server", tailnet.headscale().url(), "--auth-key",
                tailnet.reusableKey(TestTailnet.DEFAULT_USER).key(), "--hostname", hostname, "--timeout", "90s",
                "--socks5-port", "1055", "--http-proxy-port", "1056",
                "--accept-dns=false").requireSuccess(); // never the machine's own resolv.conf
    }

    @Test
    @Order(1)
    void statusSaysTunAndTheProxiesStayOff() {
        JsonNode s = status(tun);
        assertThat(s.path("tunActive").asBoolean()).isTrue();
        assertThat(s.path("tunDevice").asText()).isEqualTo(DEV);
        for (JsonNode p : s.path("proxies")) {
            assertThat(p.path("address").isNull()).as(p.toString()).isTrue();
            assertThat(p.path("problem").asText()).isEqualTo("off in TUN mode: programs reach the tailnet directly");
        }
        assertThat(tun.cli("status").requireSuccess().stdout())
                .contains("networking: TUN (" + DEV + "): the OS reaches the tailnet directly\n")
                .contains("socks5 proxy: off in TUN mode");
        assertThat(exec("ip", "addr", "show", "dev", DEV).requireSuccess().stdout())
                .contains(s.path("self").path("addresses").path(0).asText() + "/32");
        assertThat(tun.log()).contains("TUN mode: the web page is served on 127.0.0.1 only")
                .contains("TUN mode: the OS reaches the tailnet through " + DEV);
    }

    @Test
    @Order(2)
    void theOsOwnPingAndCurlReachTheRealNode() {
        Await.until(WAIT, "a ping reply from " + realIp, () -> exec("ping", "-c", "1", "-W", "2", realIp).succeeded());
        assertThat(exec("ping", "-c", "3", "-i", "0.2", "-W", "5", realIp).requireSuccess().stdout())
                .contains("3 received");
        assertThat(exec("curl", "-sS", "--max-time", "20", "http://" + realIp + ":" + web.getAddress().getPort() + "/")
                .requireSuccess().stdout()).isEqualTo(PAGE);
    }

    @Test
    @Order(3)
    void aPlainServerOnTheTailnetAddressNamesItsCallerWithWhoisAndServeSaysToDoJustThat() throws Exception {
        String own = status(tun).path("self").path("addresses").path(0).asText();
        try (ServerSocket server = new ServerSocket(0, 16, InetAddress.ofLiteral(own))) {
            Thread.startVirtualThread(() -> greet(server));
            JsonNode truth = JSON.readTree(real.cli(Duration.ofSeconds(20), "whois", "--json", realIp)
                    .requireSuccess().stdout());
            String expected = "you are " + truth.path("Node").path("Name").asText() + " of "
                    + truth.path("UserProfile").path("LoginName").asText() + "\n";
            byte[] answer = real.nc("java-t", server.getLocalPort(), "hi\n".getBytes(StandardCharsets.UTF_8),
                    expected.length(), WAIT);
            assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo(expected);
        }
        Exec.Result serve = tun.cli("serve", "9000", "8000");
        assertThat(serve.exitCode()).isEqualTo(1);
        assertThat(serve.stderr().strip()).isEqualTo("microlink serve: not forwarded in TUN mode: listen on the"
                + " tailnet address instead");
        assertThat(Files.readString(tun.stateDir().resolve("settings.json"))).doesNotContain("9000");
    }

    /** For each caller, asks {@code microlink whois <its tailnet IP>} and greets it with the answer. */
    private static void greet(ServerSocket server) {
        try {
            while (true) {
                Socket s = server.accept();
                Thread.startVirtualThread(() -> {
                    try (s) {
                        Exec.Result who = tun.cli("whois", "--json", s.getInetAddress().getHostAddress());
                        String greeting = "unknown: " + who.stderr().strip();
                        if (who.succeeded()) {
                            JsonNode w = JSON.readTree(who.stdout());
                            greeting = w.path("node").path("name").asText() + ". of "
                                    + w.path("user").path("loginName").asText();
                        }
                        s.getOutputStream().write(("you are " + greeting + "\n").getBytes(StandardCharsets.UTF_8));
                        s.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        // the caller went away
                    }
                });
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Test
    @Order(4)
    void theDeviceGoesWithTheDaemon() {
        tun.close();
        assertThat(exec("ip", "link", "show", "dev", DEV).succeeded()).isFalse();
    }

    @Test
    @Order(5)
    void aDeviceThatCannotBeOpenedIsUserspaceInStatusWithTheProxiesOn() {
        // "lo" is no TUN device: the kernel refuses it, as it refuses a user without CAP_NET_ADMIN.
        fallback = new MicrolinkProcess(tailnet.dir().resolve("ml-fallback")).start("--tun", "lo");
        up(fallback, "java-f");
        JsonNode s = status(fallback);
        assertThat(s.path("tunActive").asBoolean()).isFalse();
        assertThat(s.path("tunDevice").asText()).isEqualTo("lo");
        assertThat(s.path("proxies").findValuesAsText("address")).containsExactly("127.0.0.1:1055", "127.0.0.1:1056");
        assertThat(fallback.cli("status").requireSuccess().stdout())
                .contains("networking: userspace: TUN device lo could not be opened (the daemon log says why)\n");
        assertThat(fallback.log()).contains("cannot use TUN device 'lo'");
        assertThat(exec("curl", "-sS", "--max-time", "30", "--socks5-hostname", "127.0.0.1:1055",
                "http://real:" + web.getAddress().getPort() + "/").requireSuccess().stdout()).isEqualTo(PAGE);
    }

    @Test
    @Order(6)
    void aBadDeviceNameIsAUsageError() {
        Exec.Result r = new MicrolinkProcess(tailnet.dir().resolve("ml-bad")).cli("daemon", "--tun", "a/b");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--tun: TUN device name must be 1-15 letters").doesNotContain("Exception");
    }

    private static Exec.Result exec(String... command) {
        return Exec.run(Duration.ofSeconds(30), List.of(command));
    }

    private static JsonNode status(MicrolinkProcess daemon) {
        try {
            return JSON.readTree(daemon.cli("status", "--json").requireSuccess().stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
