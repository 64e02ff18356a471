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
import java.nio.file.attribute.PosixFilePermissions;
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
 * The daemon's proxies, {@code serve} and {@code whois} as a person uses them, against real
 * tailscaled nodes of two users on headscale: Debian's curl fetches a page a tailscaled node
 * serves through the daemon's SOCKS5 and HTTP proxies; tailscaled's {@code tailscale nc}
 * calls a served port whose local server asks {@code microlink whois 127.0.0.1:<its client's
 * port>} who is calling; the served port comes back after a restart; and {@code whois} of a
 * tailscaled node's address names it as tailscaled's own {@code whois} does.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonServeProxyInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PAGE = "served behind tailscaled " + UUID.randomUUID() + "\n";
    private static final int SERVED_PORT = 9000;

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static Tailscaled real;
    private static Tailscaled bobs;
    private static HttpServer web;
    private static MicrolinkProcess microlink;
    private static ServerSocket local;

    @BeforeAll
    static void start() throws IOException {
        real = tailnet.addNode("real");
        bobs = tailnet.addNode("bobs", "bob", Tailscaled.Options.DEFAULT);
        // tailscaled in userspace mode hands tailnet connections to its IP:port to 127.0.0.1:port.
        web = HttpServer.create(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0), 16);
        web.createContext("/", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.start();
        microlink = new MicrolinkProcess(tailnet.dir().resolve("ml-serve")).start();
        microlink.cli("up", "--login-server", tailnet.headscale().url(), "--auth-key",
                tailnet.reusableKey(TestTailnet.DEFAULT_USER).key(), "--hostname", "java-s", "--timeout", "90s",
                "--socks5-port", "1055", "--http-proxy-port", "1056").requireSuccess();
        Await.until(WAIT, "java-s to see bobs", () -> peerNames().contains("bobs"));
        local = new ServerSocket(0, 16, InetAddress.ofLiteral("127.0.0.1"));
        Thread.startVirtualThread(DaemonServeProxyInteropTest::greetCallers);
    }

    @AfterAll
    static void stop() throws IOException {
        if (microlink != null) {
            microlink.close();
        }
        if (local != null) {
            local.close();
        }
        if (web != null) {
            web.stop(0);
        }
    }

    @Test
    @Order(1)
    void statusShowsBothProxiesOnThePortsUpGaveInUserspaceMode() {
        JsonNode s = status();
        assertThat(s.path("tunActive").asBoolean()).isFalse();
        assertThat(s.path("tunDevice").isNull()).isTrue();
        assertThat(s.path("proxies").toString()).isEqualTo("[{\"kind\":\"socks5\",\"port\":1055,\"address\":"
                + "\"127.0.0.1:1055\",\"problem\":null,\"authentication\":false},{\"kind\":\"http\",\"port\":1056,"
                + "\"address\":\"127.0.0.1:1056\",\"problem\":null,\"authentication\":false}]");
        assertThat(microlink.cli("status").requireSuccess().stdout()).contains("networking: userspace\n")
                .contains("socks5 proxy: 127.0.0.1:1055\n").contains("http proxy: 127.0.0.1:1056\n");
    }

    @Test
    @Order(2)
    void curlThroughTheDaemonsProxiesFetchesAPageTheRealNodeServes() {
        String realIp = real.ip("-4").getFirst();
        for (String host : List.of("real", "real." + tailnet.headscale().baseDomain(), realIp)) {
            assertThat(curl("--socks5-hostname", "127.0.0.1:1055", url(host)).requireSuccess().stdout())
                    .as("SOCKS5 to %s", host).isEqualTo(PAGE);
            assertThat(curl("-x", "http://127.0.0.1:1056", url(host)).requireSuccess().stdout())
                    .as("HTTP proxy to %s", host).isEqualTo(PAGE);
        }
        assertThat(curl("--socks5", "127.0.0.1:1055", url(realIp)).requireSuccess().stdout()).isEqualTo(PAGE);
        assertThat(curl("-p", "-x", "http://127.0.0.1:1056", url("real")).requireSuccess().stdout()).isEqualTo(PAGE);
        assertThat(curl("--socks5-hostname", "127.0.0.1:1055", url("[" + real.ip("-6").getFirst() + "]"))
                .requireSuccess().stdout()).isEqualTo(PAGE);
    }

    @Test
    @Order(3)
    void upMovesAProxyAndPortZeroTurnsItOffWithoutRestartingTheNode() throws IOException {
        String nodeKey = status().path("self").path("nodeKey").asText();
        int moved;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.ofLiteral("127.0.0.1"))) {
            moved = probe.getLocalPort();
        }
        microlink.cli("up", "--http-proxy-port", "0", "--socks5-port", Integer.toString(moved)).requireSuccess();
        assertThat(curl("--socks5-hostname", "127.0.0.1:" + moved, url("real")).requireSuccess().stdout())
                .isEqualTo(PAGE);
        Exec.Result refused = curl("-x", "http://127.0.0.1:1056", url("real"));
        assertThat(refused.exitCode()).as("curl's exit code for a refused connection").isEqualTo(7);
        assertThat(microlink.cli("status").requireSuccess().stdout()).contains("http proxy: off\n")
                .contains("socks5 proxy: 127.0.0.1:" + moved + "\n");
        assertThat(status().path("self").path("nodeKey").asText()).isEqualTo(nodeKey);

        Exec.Result collision = microlink.cli("up", "--http-proxy-port", Integer.toString(moved));
        assertThat(collision.exitCode()).isEqualTo(1);
        assertThat(collision.stderr().strip()).isEqualTo("microlink up: httpProxyPort: must differ from socks5Port"
                + " (both " + moved + ")");

        microlink.cli("up", "--socks5-port", "1055", "--http-proxy-port", "1056").requireSuccess();
        assertThat(curl("-x", "http://127.0.0.1:1056", url("real")).requireSuccess().stdout()).isEqualTo(PAGE);
    }

    @Test
    @Order(4)
    void aServedPortsLocalServerLearnsTheCallingNodeAndUserWithWhois() throws IOException {
        Exec.Result serve = microlink.cli("serve", Integer.toString(SERVED_PORT), Integer.toString(local.getLocalPort()))
                .requireSuccess();
        assertThat(serve.stdout().strip()).isEqualTo("serving tailnet port " + SERVED_PORT + " to 127.0.0.1:"
                + local.getLocalPort());
        assertThat(Files.readString(microlink.stateDir().resolve("settings.json")))
                .containsPattern("\"serve\"\\s*:\\s*\\{\\s*\"" + SERVED_PORT + "\"\\s*:\\s*" + local.getLocalPort());
        callBothTailscaledNodes();
        assertThat(microlink.cli("serve", "status").requireSuccess().stdout()).containsPattern("(?m)^"
                + SERVED_PORT + "\\s+127\\.0\\.0\\.1:" + local.getLocalPort() + "\\s+serving, \\d+ connections?$");
    }

    @Test
    @Order(5)
    void theServedPortComesBackAfterARestartWithoutAnyCommand() throws IOException {
        microlink.close();
        microlink.start();
        Await.until(WAIT, "the restarted daemon to forward its served port again",
                () -> status().path("serve").path(0).path("active").asBoolean());
        callBothTailscaledNodes();
    }

    @Test
    @Order(6)
    void whoisOfATailscaledNodesAddressNamesItAsTailscaledDoes() throws IOException {
        for (Tailscaled node : List.of(real, bobs)) {
            for (String ip : List.of(node.ip("-4").getFirst(), node.ip("-6").getFirst())) {
                JsonNode truth = tailscaleWhois(ip);
                JsonNode ours = JSON.readTree(microlink.cli("whois", "--json", ip).requireSuccess().stdout());
                assertThat(ours.path("node").path("name").asText() + ".").isEqualTo(truth.path("Node").path("Name").asText());
                assertThat(ours.path("node").path("id").asLong()).isEqualTo(truth.path("Node").path("ID").asLong());
                assertThat(ours.path("user").path("loginName").asText())
                        .isEqualTo(truth.path("UserProfile").path("LoginName").asText());
                assertThat(ours.path("node").path("addresses").toString()).contains("\"" + ip + "\"");
                assertThat(ours.path("servedPort").isNull()).isTrue();
            }
        }
        String text = microlink.cli("whois", real.ip("-4").getFirst()).requireSuccess().stdout();
        assertThat(text).startsWith("Machine:\n").containsPattern("(?m)^  Name:\\s+real\\." 
                + tailnet.headscale().baseDomain().replace(".", "\\.") + "$")
                .containsPattern("(?m)^  Login:\\s+" + tailscaleWhois(real.ip("-4").getFirst()).path("UserProfile")
                        .path("LoginName").asText().replace(".", "\\.") + "$");
        String own = status().path("self").path("addresses").path(0).asText();
        assertThat(microlink.cli("whois", own).requireSuccess().stdout()).containsPattern("(?m)^  Name:\\s+java-s\\..* \\(this node\\)$");
    }

    @Test
    @Order(7)
    void whoisAndServeMistakesAreOneLineAndExitOne() {
        Exec.Result unknown = microlink.cli("whois", "100.127.255.254");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr().strip()).isEqualTo("microlink whois: no node of the tailnet has the address"
                + " 100.127.255.254");
        Exec.Result noConnection = microlink.cli("whois", "127.0.0.1:1");
        assertThat(noConnection.exitCode()).isEqualTo(1);
        assertThat(noConnection.stderr()).contains("no served connection comes from 127.0.0.1:1 now");
        Exec.Result webPort = microlink.cli("serve", "80", "8080");
        assertThat(webPort.exitCode()).isEqualTo(1);
        assertThat(webPort.stderr()).contains("tailnet port 80 is the web page's (webPort)");
        Exec.Result proxyPort = microlink.cli("serve", "9100", "1055");
        assertThat(proxyPort.exitCode()).isEqualTo(1);
        assertThat(proxyPort.stderr()).contains("local port 1055 is the SOCKS5 proxy's (socks5Port)");

        microlink.cli("serve", "--off", Integer.toString(SERVED_PORT)).requireSuccess();
        assertThat(microlink.cli("serve", "status").requireSuccess().stdout()).startsWith("nothing is served");
        Exec.Result again = microlink.cli("serve", "--off", Integer.toString(SERVED_PORT));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr().strip()).isEqualTo("microlink serve: tailnet port " + SERVED_PORT
                + " is not served (`microlink serve status` lists what is)");
        Exec.Result closed = real.cli(Duration.ofSeconds(20), "nc", "java-s", Integer.toString(SERVED_PORT));
        assertThat(closed.exitCode()).as("tailscale nc to a port no longer served").isNotZero();
        for (Exec.Result r : List.of(unknown, noConnection, webPort, proxyPort, again)) {
            assertThat(r.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    @Order(8)
    void withAUsernameAndPasswordOnlyClientsThatGiveThemGetThrough() throws IOException {
        String password = "pw-" + UUID.randomUUID();
        java.nio.file.Path file = tailnet.dir().resolve("proxy-password.txt");
        Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))), password + "\n");
        microlink.cli("up", "--proxy-username", "alice", "--proxy-password-file", file.toString()).requireSuccess();
        String page = url("real");
        assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", "-x", "http://127.0.0.1:1056", page)
                .requireSuccess().stdout()).isEqualTo("407");
        assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", "--proxy-user", "alice:wrong", "-x",
                "http://127.0.0.1:1056", page).requireSuccess().stdout()).isEqualTo("407");
        assertThat(curl("--proxy-user", "alice:" + password, "-x", "http://127.0.0.1:1056", page).requireSuccess()
                .stdout()).isEqualTo(PAGE);
        assertThat(curl("--socks5-hostname", "127.0.0.1:1055", page).exitCode()).as("SOCKS5 without").isNotZero();
        assertThat(curl("--socks5-hostname", "alice:wrong@127.0.0.1:1055", page).exitCode()).isNotZero();
        assertThat(curl("--socks5-hostname", "alice:" + password + "@127.0.0.1:1055", page).requireSuccess().stdout())
                .isEqualTo(PAGE);

        String text = microlink.cli("status").requireSuccess().stdout();
        assertThat(text).contains("socks5 proxy: 127.0.0.1:1055 (username and password required)\n");
        assertThat(text + microlink.cli("status", "--json").requireSuccess().stdout() + microlink.log())
                .doesNotContain(password);

        microlink.cli("up", "--proxy-auth-off").requireSuccess();
        assertThat(curl("-x", "http://127.0.0.1:1056", page).requireSuccess().stdout()).isEqualTo(PAGE);
    }

    /** Each tailscaled node calls the served port; the local server answers with who it was told is calling. */
    private static void callBothTailscaledNodes() throws IOException {
        for (Tailscaled caller : List.of(real, bobs)) {
            JsonNode truth = tailscaleWhois(caller.ip("-4").getFirst());
            String expected = "you are " + truth.path("Node").path("Name").asText() + " of "
                    + truth.path("UserProfile").path("LoginName").asText() + "\n";
            byte[] answer = caller.nc("java-s", SERVED_PORT, "hi\n".getBytes(StandardCharsets.UTF_8),
                    expected.length(), WAIT);
            assertThat(new String(answer, StandardCharsets.UTF_8)).as("caller %s", caller.hostname())
                    .isEqualTo(expected);
        }
    }

    /**
     * The local server behind the served port, as a user would write it: for each connection it
     * runs {@code microlink whois --json 127.0.0.1:<the client's port>} and greets the caller.
     */
    private static void greetCallers() {
        try {
            while (true) {
                Socket s = local.accept();
                Thread.startVirtualThread(() -> {
                    try (s) {
                        Exec.Result who = microlink.cli("whois", "--json", "127.0.0.1:" + s.getPort());
                        String greeting = "unknown: " + who.stderr().strip();
                        if (who.succeeded()) {
                            JsonNode w = JSON.readTree(who.stdout());
                            greeting = w.path("node").path("name").asText() + "." + " of "
                                    + w.path("user").path("loginName").asText();
                        }
                        s.getOutputStream().write(("you are " + greeting + "\n").getBytes(StandardCharsets.UTF_8));
                        s.getInputStream().readAllBytes(); // until tailscale nc goes away
                    } catch (IOException e) {
                        // the caller went away
                    }
                });
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static JsonNode tailscaleWhois(String ip) throws IOException {
        return JSON.readTree(real.cli(Duration.ofSeconds(20), "whois", "--json", ip).requireSuccess().stdout());
    }

    private static String url(String host) {
        return "http://" + host + ":" + web.getAddress().getPort() + "/hello";
    }

    private static Exec.Result curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(args));
        return Exec.run(Duration.ofSeconds(40), command);
    }

    private static JsonNode status() {
        try {
            return JSON.readTree(microlink.cli("status", "--json").requireSuccess().stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> peerNames() {
        List<String> names = new ArrayList<>();
        status().path("peers").forEach(p -> names.add(p.path("name").asText()));
        return names;
    }
}
