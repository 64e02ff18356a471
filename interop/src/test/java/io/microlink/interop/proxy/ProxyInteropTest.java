package io.microlink.interop.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.microlink.AddressText;
import io.microlink.TailnetNode;
import io.microlink.WhoIs;
import io.microlink.host.proxy.HttpProxy;
import io.microlink.host.proxy.ProxySettings;
import io.microlink.host.proxy.Socks5Proxy;
import io.microlink.host.serve.TcpForwarder;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java node's proxies, forwarder and whois against real tailscaled nodes of two users:
 * curl (Debian's) reaches a page a tailscaled node serves through the Java node's SOCKS5 and
 * HTTP proxies, tailscaled's {@code tailscale nc} reaches a local server behind the Java node's
 * forwarder, which learns who called, and whois answers match tailscaled's own {@code whois}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ProxyInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String PAGE = "served by the real node\n";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static Tailscaled real;
    private static Tailscaled bobs;
    private static TailnetNode java;
    private static HttpServer web;
    private static Socks5Proxy socks;
    private static HttpProxy http;
    /** Request line and header names of every request the web server got. */
    private static final List<String> requestsSeen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        real = tailnet.addNode("real");
        bobs = tailnet.addNode("bobs", "bob", Tailscaled.Options.DEFAULT);
        java = tailnet.addJavaNode("java-proxy", real);
        Await.until(WAIT, "java-proxy to see bobs", () -> java.tailnet().find("bobs").isPresent());
        // tailscaled in userspace mode hands tailnet connections to its IP:port to 127.0.0.1:port.
        web = page(InetAddress.ofLiteral("127.0.0.1"));
        socks = Socks5Proxy.start(java::dial, ProxySettings.onPort(0));
        http = HttpProxy.start(java::dial, ProxySettings.onPort(0));
    }

    private static HttpServer page(InetAddress address) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 16);
        server.createContext("/", exchange -> {
            requestsSeen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().keySet());
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @AfterAll
    static void stop() {
        if (socks != null) {
            socks.close();
        }
        if (http != null) {
            http.close();
        }
        if (web != null) {
            web.stop(0);
        }
    }

    private static String proxyAddress(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static Exec.Result curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(args));
        return Exec.run(Duration.ofSeconds(40), command);
    }

    private static String url(String host) {
        return "http://" + host + ":" + web.getAddress().getPort() + "/hello";
    }

    @Test
    void curlThroughSocks5ReachesTheRealNodeByMagicDnsNameAndByIp() {
        String realIp = real.ip("-4").getFirst();
        for (String host : List.of("real", "real.tailnet.test", realIp)) {
            assertThat(curl("--socks5-hostname", proxyAddress(socks.address()), url(host)).requireSuccess().stdout())
                    .as("via %s", host).isEqualTo(PAGE);
        }
        // curl resolves nothing itself for an IP literal with plain --socks5: ATYP IPv4 reaches the proxy.
        assertThat(curl("--socks5", proxyAddress(socks.address()), url(realIp)).requireSuccess().stdout())
                .isEqualTo(PAGE);
    }

    @Test
    void bothProxiesReachTheRealNodesIpv6Address() {
        // tailscaled hands connections to its IPv6 address to 127.0.0.1 too.
        String url = url("[" + real.ip("-6").getFirst() + "]");
        String socks5 = proxyAddress(socks.address());
        String proxy = "http://" + proxyAddress(http.address());
        // Plain --socks5 sends ATYP IPv6; HTTP gets a bracketed authority, in absolute form and CONNECT.
        assertThat(curl("--socks5", socks5, url).requireSuccess().stdout()).isEqualTo(PAGE);
        assertThat(curl("--socks5-hostname", socks5, url).requireSuccess().stdout()).isEqualTo(PAGE);
        assertThat(curl("-x", proxy, url).requireSuccess().stdout()).isEqualTo(PAGE);
        assertThat(curl("-p", "-x", proxy, url).requireSuccess().stdout()).isEqualTo(PAGE);
    }

    @Test
    void aNameOutsideTheTailnetFailsAtOnceAsHostUnreachable() {
        long start = System.nanoTime();
        Exec.Result r = curl("--socks5-hostname", proxyAddress(socks.address()), "http://outside.invalid/");
        assertThat(r.succeeded()).isFalse();
        // curl 7.88 prints the reply code: 4 is "host unreachable" (RFC 1928 §6).
        assertThat(r.stderr()).contains("SOCKS5 connection to outside.invalid. (4)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void curlThroughTheHttpProxyInAbsoluteFormAndWithConnect() {
        String proxy = "http://" + proxyAddress(http.address());
        requestsSeen.clear();
        assertThat(curl("-x", proxy, url("real")).requireSuccess().stdout()).isEqualTo(PAGE);
        // The origin got origin-form and none of the proxy's fields.
        assertThat(requestsSeen).singleElement().satisfies(r -> assertThat(r).startsWith("GET /hello ")
                .doesNotContainIgnoringCase("Proxy-Connection"));
        assertThat(curl("-p", "-x", proxy, url("real")).requireSuccess().stdout()).isEqualTo(PAGE);
        assertThat(curl("-p", "-x", proxy, url(real.ip("-4").getFirst())).requireSuccess().stdout()).isEqualTo(PAGE);
        Exec.Result outside = curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "-x", proxy, "http://outside.invalid/");
        assertThat(outside.stdout()).isEqualTo("502");
    }

    @Test
    void aServedPortTellsTheLocalServerWhichNodeAndUserIsCalling() throws Exception {
        try (ServerSocket local = new ServerSocket(0, 16, InetAddress.ofLiteral("127.0.0.1"));
             TcpForwarder forwarder = TcpForwarder.start(java, 9000, local.getLocalPort())) {
            Thread.startVirtualThread(() -> greetCallers(local, forwarder));
            for (Tailscaled caller : List.of(real, bobs)) {
                JsonNode truth = tailscaleWhois(real, caller.ip("-4").getFirst());
                String expected = "you are " + truth.path("Node").path("Name").asText().split("\\.")[0] + " of "
                        + truth.path("UserProfile").path("LoginName").asText() + "\n";
                byte[] hello = "hi\n".getBytes(StandardCharsets.UTF_8);
                byte[] answer = caller.nc("java-proxy", 9000, hello, expected.length(), WAIT);
                assertThat(new String(answer, StandardCharsets.UTF_8)).as("caller %s", caller.hostname())
                        .isEqualTo(expected);
            }
            Await.until(WAIT, "forwarded connections to end", () -> forwarder.openConnections() == 0);
        }
    }

    /** Answers each forwarded connection with who is calling, as the forwarder says. */
    private static void greetCallers(ServerSocket local, TcpForwarder forwarder) {
        try {
            while (true) {
                Socket s = local.accept();
                Thread.startVirtualThread(() -> {
                    try (s) {
                        String who = forwarder.callerOf((InetSocketAddress) s.getRemoteSocketAddress())
                                .map(w -> w.shortName() + " of " + w.loginName()).orElse("unknown");
                        s.getOutputStream().write(("you are " + who + "\n").getBytes(StandardCharsets.UTF_8));
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

    @Test
    void whoisOfEachNodeMatchesWhatTailscaledSays() throws Exception {
        for (Tailscaled node : List.of(real, bobs)) {
            String ip = node.ip("-4").getFirst();
            JsonNode truth = tailscaleWhois(real, ip);
            WhoIs ours = java.whois(InetAddress.ofLiteral(ip)).orElseThrow();
            assertThat(ours.self()).isFalse();
            assertThat(ours.name() + ".").isEqualTo(truth.path("Node").path("Name").asText());
            assertThat(ours.loginName()).isEqualTo(truth.path("UserProfile").path("LoginName").asText());
            assertThat(ours.displayName()).isEqualTo(truth.path("UserProfile").path("DisplayName").asText());
            assertThat(ours.addresses()).contains(InetAddress.ofLiteral(ip),
                    InetAddress.ofLiteral(node.ip("-6").getFirst()));
        }
        assertThat(java.whois(InetAddress.ofLiteral(bobs.ip("-4").getFirst())).orElseThrow().loginName())
                .isNotEqualTo(java.whois(InetAddress.ofLiteral(real.ip("-4").getFirst())).orElseThrow().loginName());
        // The Java node's own address: answered as self, with the user tailscaled sees it as.
        String own = AddressText.of(java.tailnet().self().orElseThrow().addresses().getFirst());
        WhoIs self = java.whois(InetAddress.ofLiteral(own)).orElseThrow();
        assertThat(self.self()).isTrue();
        assertThat(self.loginName()).isEqualTo(tailscaleWhois(real, own).path("UserProfile").path("LoginName").asText());
        assertThat(java.whois(InetAddress.ofLiteral("100.127.255.254"))).isEmpty();
    }

    private static JsonNode tailscaleWhois(Tailscaled asker, String ip) throws IOException {
        return JSON.readTree(asker.cli(Duration.ofSeconds(20), "whois", "--json", ip).requireSuccess().stdout());
    }
}
