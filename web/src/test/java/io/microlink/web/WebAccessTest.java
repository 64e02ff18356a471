package io.microlink.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.host.settings.NodeSettings;
import io.microlink.web.http.HttpServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Who may read and change what, cross-site and rebinding defences, the pages, and the off switch. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebAccessTest {
    private static final String SETTING = "{\"maxActivePeers\":7}";

    @TempDir
    Path dir;

    private FakeBackend backend;
    private WebServer server;

    private RawHttp start(GuestAccess guests) throws IOException {
        backend = new FakeBackend(dir);
        int port = WebApiTest.freePort();
        server = WebServer.start(backend, new WebOptions(true, port, 0, guests, HttpServer.Limits.DEFAULT,
                WebToken.random()));
        return new RawHttp(port, "100.64.0.1");
    }

    /** The local page, with the session cookie a browser gets for the link {@code microlink web} prints. */
    private RawHttp startLocal() throws IOException {
        RawHttp local = startLocalWithoutCookie();
        return local.with("Cookie", sessionCookie(local.get(linkPath())));
    }

    private RawHttp startLocalWithoutCookie() throws IOException {
        backend = new FakeBackend(dir);
        int port = WebApiTest.freePort();
        server = WebServer.start(backend, new WebOptions(true, 0, port, GuestAccess.NONE, HttpServer.Limits.DEFAULT,
                WebToken.inDirectory(dir)));
        return new RawHttp(port, "localhost:" + port);
    }

    /** The path and query of {@link WebServer#localUrl()}. */
    private String linkPath() {
        String url = server.localUrl().orElseThrow();
        return url.substring(url.indexOf('/', "http://".length()));
    }

    private static String sessionCookie(RawHttp.Response exchange) {
        assertThat(exchange.status()).isEqualTo(200);
        String setCookie = exchange.headers().get("set-cookie");
        assertThat(setCookie).isNotNull();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theOwnersTailnetUserMayReadAndChange() throws Exception {
        RawHttp tailnet = start(GuestAccess.NONE);
        backend.tailnetCaller = FakeBackend.ALICE_LAPTOP;
        assertThat(tailnet.get("/api/status").json().path("role").asText()).isEqualTo("owner");
        assertThat(tailnet.post("/api/settings", SETTING).status()).isEqualTo(200);
        assertThat(backend.store.load().maxActivePeers()).isEqualTo(7);
    }

    @Test
    void anotherUsersNodeGetsNothingByDefault() throws Exception {
        RawHttp tailnet = start(GuestAccess.NONE);
        backend.tailnetCaller = FakeBackend.BOB_PHONE;
        for (String path : new String[] {"/", "/peers", "/static/app.js", "/api/status", "/api/peers", "/api/settings",
                "/api/monitor", "/api/history", "/api/peers/allowed"}) {
            RawHttp.Response r = tailnet.get(path);
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.error()).as(path).contains("owner");
        }
        assertThat(tailnet.post("/api/settings", SETTING).status()).isEqualTo(403);
        assertThat(tailnet.post("/api/restart", "{}").status()).isEqualTo(403);
        assertThat(backend.saved).isEmpty();
        assertThat(backend.restarted.getCount()).isEqualTo(1);
    }

    @Test
    void anotherUsersNodeMayReadButNotChangeWhenGuestsAreReadOnly() throws Exception {
        RawHttp tailnet = start(GuestAccess.READ_ONLY);
        backend.tailnetCaller = FakeBackend.BOB_PHONE;
        assertThat(tailnet.get("/api/status").json().path("role").asText()).isEqualTo("reader");
        assertThat(tailnet.get("/api/peers").status()).isEqualTo(200);
        assertThat(tailnet.get("/peers").status()).isEqualTo(200);
        for (String path : new String[] {"/api/settings", "/api/peers/allowed", "/api/restart"}) {
            RawHttp.Response r = tailnet.post(path, path.endsWith("allowed") ? "{\"add\":[\"x\"]}" : "{}");
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.error()).contains("read-only");
        }
        assertThat(backend.saved).isEmpty();
    }

    @Test
    void taggedAndUnknownNodesAreRefused() throws IOException {
        RawHttp tailnet = start(GuestAccess.READ_ONLY);
        for (InetAddress caller : new InetAddress[] {FakeBackend.TAGGED_SERVER, InetAddress.ofLiteral("100.99.0.9"),
                FakeBackend.SELF}) {
            backend.tailnetCaller = caller;
            assertThat(tailnet.get("/api/status").status()).as(caller.toString()).isEqualTo(403);
        }
    }

    @Test
    void onlyThisNodesNamesAreAnsweredAsHost() throws IOException {
        RawHttp tailnet = start(GuestAccess.NONE);
        backend.tailnetCaller = FakeBackend.ALICE_LAPTOP;
        for (String host : new String[] {"100.64.0.1", "100.64.0.1:80", "node", "NODE.tailnet.test.", "node.tailnet.test:8080",
                "[fd7a:115c:a1e0:0::1]", "[fd7a:115c:a1e0::1]:80"}) {
            assertThat(tailnet.send("GET", "/api/status", Map.of("Host", host), null).status()).as(host).isEqualTo(200);
        }
        for (String host : new String[] {"evil.example", "100.64.0.2", "localhost", "127.0.0.1", "", "node.evil.example"}) {
            RawHttp.Response r = tailnet.send("GET", "/api/status", Map.of("Host", host), null);
            assertThat(r.status()).as(host).isEqualTo(421);
        }
    }

    @Test
    void localhostIsTheOwnerButOnlyUnderLocalNames() throws IOException {
        RawHttp local = startLocal();
        assertThat(local.get("/api/status").json().path("role").asText()).isEqualTo("owner");
        for (String host : new String[] {"127.0.0.1", "[::1]:8088", "localhost"}) {
            assertThat(local.send("GET", "/", Map.of("Host", host), null).status()).as(host).isEqualTo(200);
        }
        // A site that rebinds its own name to 127.0.0.1 still sends its name as Host.
        assertThat(local.send("GET", "/api/settings", Map.of("Host", "attacker.example:8088"), null).status())
                .isEqualTo(421);
    }

    @Test
    void aLocalCallerWithoutTheTokenGetsOnlyA401SayingHowToGetIt() throws Exception {
        RawHttp local = startLocalWithoutCookie();
        for (String path : new String[] {"/", "/peers", "/settings", "/static/app.js", "/api/status", "/api/settings",
                "/api/peers", "/nothing"}) {
            RawHttp.Response r = local.get(path);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.body()).as(path).contains("microlink web").doesNotContain("\"name\"");
        }
        assertThat(local.get("/").headers().get("content-type")).startsWith("text/html");
        assertThat(local.get("/api/status").error()).contains("microlink web");
        String token = WebToken.inDirectory(dir).text();
        String wrong = (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1);
        assertThat(local.get("/?token=" + wrong).status()).isEqualTo(401);
        assertThat(local.get("/?token=").status()).isEqualTo(401);
        assertThat(local.send("GET", "/api/status", Map.of("Authorization", "Bearer " + wrong), null).status())
                .isEqualTo(401);
        assertThat(local.send("GET", "/api/status", Map.of("Cookie", "microlink-web-" + server.localPort() + "="
                + token), null).status()).as("the token is not the session cookie").isEqualTo(401);
        assertThat(local.post("/api/settings", SETTING).status()).isEqualTo(401);
        assertThat(local.post("/api/restart", "{}").status()).isEqualTo(401);
        assertThat(backend.saved).isEmpty();
        assertThat(backend.restarted.getCount()).isEqualTo(1);
    }

    @Test
    void theLinksTokenIsTradedForAStrictHttpOnlyCookieAndLeavesTheAddress() throws Exception {
        RawHttp local = startLocalWithoutCookie();
        String token = WebToken.inDirectory(dir).text();
        assertThat(server.localUrl()).contains("http://127.0.0.1:" + server.localPort() + "/?token=" + token);
        RawHttp.Response exchange = local.get("/peers?token=" + token);
        assertThat(exchange.status()).isEqualTo(200);
        assertThat(exchange.headers().get("set-cookie")).startsWith("microlink-web-" + server.localPort() + "=")
                .contains("; HttpOnly").contains("; SameSite=Strict").contains("; Path=/").doesNotContain(token);
        assertThat(exchange.headers().get("cache-control")).isEqualTo("no-store");
        assertThat(exchange.body()).contains("http-equiv=\"refresh\" content=\"0;url=/peers\"").doesNotContain(token);
        String cookie = sessionCookie(exchange);
        local.with("Cookie", "other=1; " + cookie);
        assertThat(local.get("/api/status").json().path("role").asText()).isEqualTo("owner");
        assertThat(local.get("/peers").status()).isEqualTo(200);
        assertThat(local.post("/api/settings", SETTING).status()).isEqualTo(200);
        // Only a path this server could have goes back into the page.
        assertThat(local.get("/%22%3E%3Cscript%3E?token=" + token).body()).contains("content=\"0;url=/\"");
    }

    @Test
    void scriptsMayShowTheTokenAsABearerCredential() throws Exception {
        RawHttp local = startLocalWithoutCookie();
        local.with("Authorization", "Bearer " + WebToken.inDirectory(dir).text());
        assertThat(local.get("/api/status").json().path("role").asText()).isEqualTo("owner");
        assertThat(local.post("/api/settings", SETTING).status()).isEqualTo(200);
    }

    @Test
    void theSessionOutlivesARestartOfTheServerButNotANewToken() throws Exception {
        RawHttp local = startLocal();
        int port = server.localPort();
        server.close();
        server = WebServer.start(backend, new WebOptions(true, 0, port, GuestAccess.NONE, HttpServer.Limits.DEFAULT,
                WebToken.inDirectory(dir)));
        assertThat(local.get("/api/status").status()).as("same token, same cookie").isEqualTo(200);
        server.close();
        server = WebServer.start(backend, new WebOptions(true, 0, port, GuestAccess.NONE, HttpServer.Limits.DEFAULT,
                WebToken.random()));
        assertThat(local.get("/api/status").status()).isEqualTo(401);
    }

    @Test
    void theTailnetListenerNeitherNeedsNorTakesTheLocalToken() throws Exception {
        RawHttp tailnet = start(GuestAccess.NONE);
        backend.tailnetCaller = FakeBackend.BOB_PHONE;
        String token = WebToken.inDirectory(dir).text();
        assertThat(tailnet.get("/?token=" + token).status()).isEqualTo(403);
        assertThat(tailnet.send("GET", "/api/status", Map.of("Authorization", "Bearer " + token), null).status())
                .isEqualTo(403);
    }

    @Test
    void changesMustBeSameOriginJson() throws Exception {
        RawHttp local = startLocal();
        String host = "localhost:" + server.localPort();
        Map<String, Map<String, String>> refused = Map.of(
                "form post", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "text post", Map.of("Content-Type", "text/plain"),
                "no type", Map.of(),
                "other origin", Map.of("Content-Type", "application/json", "Origin", "http://evil.example"),
                "null origin", Map.of("Content-Type", "application/json", "Origin", "null"),
                "other port", Map.of("Content-Type", "application/json", "Origin", "http://localhost:1"),
                "cross-site", Map.of("Content-Type", "application/json", "Sec-Fetch-Site", "cross-site"),
                "same-site", Map.of("Content-Type", "application/json", "Sec-Fetch-Site", "same-site"));
        for (var e : refused.entrySet()) {
            int status = local.send("POST", "/api/settings", e.getValue(), SETTING).status();
            assertThat(status).as(e.getKey()).isIn(403, 415);
        }
        assertThat(local.send("POST", "/api/settings", Map.of("Content-Type", "text/plain"), SETTING).status())
                .isEqualTo(415);
        assertThat(backend.saved).isEmpty();
        // curl and scripts send no Origin: JSON alone is enough, as no browser can send that cross-site unasked.
        assertThat(local.send("POST", "/api/settings", Map.of("Content-Type", "application/json; charset=utf-8"), SETTING)
                .status()).isEqualTo(200);
        assertThat(local.send("POST", "/api/settings", Map.of("Content-Type", "application/json",
                "Origin", "http://" + host, "Sec-Fetch-Site", "same-origin"), SETTING).status()).isEqualTo(200);
    }

    @Test
    void pagesAreServedWithValidatorsAndSecurityHeaders() throws IOException {
        RawHttp local = startLocal();
        for (String path : new String[] {"/", "/peers", "/allowlist", "/settings"}) {
            RawHttp.Response r = local.get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.headers().get("content-type")).isEqualTo("text/html; charset=utf-8");
            assertThat(r.body()).contains("<script src=\"/static/app.js\"").doesNotContain("http://", "https://");
            assertThat(r.headers().get("content-security-policy")).contains("default-src 'self'");
            assertThat(r.headers()).containsEntry("x-frame-options", "DENY");
        }
        RawHttp.Response js = local.get("/static/app.js");
        assertThat(js.headers().get("content-type")).startsWith("text/javascript");
        String etag = js.headers().get("etag");
        RawHttp.Response again = local.send("GET", "/static/app.js", Map.of("If-None-Match", etag), null);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(local.get("/static/../pom.xml").status()).isEqualTo(404);
        assertThat(local.get("/nothing").status()).isEqualTo(404);
        assertThat(local.post("/settings", "{}").status()).isEqualTo(405);
    }

    @Test
    void readOnlyGuestsAreASetting() throws Exception {
        NodeSettings defaults = NodeSettings.defaults();
        WebToken token = WebToken.random();
        assertThat(WebOptions.from(defaults, token).guests()).isEqualTo(GuestAccess.NONE);
        NodeSettings open = defaults.withChanges(new ObjectMapper().readTree("{\"webGuestsReadOnly\":true}"));
        assertThat(WebOptions.from(open, token).guests()).isEqualTo(GuestAccess.READ_ONLY);
        assertThat(WebOptions.from(open, token).tailnetPort()).isEqualTo(80);
        assertThat(WebOptions.from(open, token).localPort()).isEqualTo(8088);
    }

    @Test
    void disabledMeansNoListenerAtAll() throws IOException {
        backend = new FakeBackend(dir);
        int port = WebApiTest.freePort();
        server = WebServer.start(backend, new WebOptions(false, port, port, GuestAccess.NONE, HttpServer.Limits.DEFAULT,
                WebToken.random()));
        // Not running means no HttpServer was made: no listener, no acceptor, no watchdog thread.
        assertThat(server.running()).isFalse();
        assertThat(server.localPort()).isZero();
        assertThat(server.localUrl()).isEmpty();
        Assertions.assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void closingStopsListening() throws IOException {
        RawHttp local = startLocal();
        assertThat(local.get("/api/status").status()).isEqualTo(200);
        server.close();
        Assertions.assertThatThrownBy(() -> local.get("/api/status")).isInstanceOf(ConnectException.class);
    }
}
