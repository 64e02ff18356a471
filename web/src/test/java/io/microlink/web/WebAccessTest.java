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
        server = WebServer.start(backend, new WebOptions(true, port, 0, guests, HttpServer.Limits.DEFAULT));
        return new RawHttp(port, "100.64.0.1");
    }

    private RawHttp startLocal() throws IOException {
        backend = new FakeBackend(dir);
        int port = WebApiTest.freePort();
        server = WebServer.start(backend, new WebOptions(true, 0, port, GuestAccess.NONE, HttpServer.Limits.DEFAULT));
        return new RawHttp(port, "localhost:" + port);
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
                "/api/monitor", "/api/peers/allowed"}) {
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
        assertThat(WebOptions.from(defaults).guests()).isEqualTo(GuestAccess.NONE);
        NodeSettings open = defaults.withChanges(new ObjectMapper().readTree("{\"webGuestsReadOnly\":true}"));
        assertThat(WebOptions.from(open).guests()).isEqualTo(GuestAccess.READ_ONLY);
        assertThat(WebOptions.from(open).tailnetPort()).isEqualTo(80);
        assertThat(WebOptions.from(open).localPort()).isEqualTo(8088);
    }

    @Test
    void disabledMeansNoListenerAtAll() throws IOException {
        backend = new FakeBackend(dir);
        int port = WebApiTest.freePort();
        server = WebServer.start(backend, new WebOptions(false, port, port, GuestAccess.NONE, HttpServer.Limits.DEFAULT));
        // Not running means no HttpServer was made: no listener, no acceptor, no watchdog thread.
        assertThat(server.running()).isFalse();
        assertThat(server.localPort()).isZero();
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
