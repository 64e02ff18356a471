package io.microlink.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.web.http.HttpServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/devices} over real HTTP: the local page (with its token) lists, enrolls and removes
 * a LOPOWER bridge's devices; the tailnet listener has no such API, not even for the owner; and
 * a node without a bridge has none either.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DevicesApiTest {
    private static final Map<String, String> SAME_ORIGIN_JSON = Map.of("Content-Type", "application/json",
            "Sec-Fetch-Site", "same-origin");

    @TempDir
    Path dir;

    private final FakeDevices devices = new FakeDevices();
    private FakeBackend backend;
    private WebServer server;

    /** The local listener (with the token) and the tailnet one, over a node with a bridge when {@code bridge}. */
    private RawHttp[] start(boolean bridge) throws IOException {
        backend = new FakeBackend(dir);
        backend.bridge = bridge ? devices : null;
        int local = WebApiTest.freePort();
        int tailnet = WebApiTest.freePort();
        WebToken token = WebToken.random();
        server = WebServer.start(backend, new WebOptions(true, tailnet, local, GuestAccess.NONE,
                HttpServer.Limits.DEFAULT, token));
        return new RawHttp[] {
            new RawHttp(local, "127.0.0.1:" + local).with("Authorization", "Bearer " + token.text()),
            new RawHttp(tailnet, "100.64.0.1")
        };
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theLocalPageEnrollsListsAndRemovesDevices() throws IOException {
        RawHttp local = start(true)[0];
        assertThat(local.get("/api/status").json().path("devices").asBoolean()).isTrue();
        assertThat(local.get("/api/devices").json().path("devices")).isEmpty();

        RawHttp.Response added = local.post("/api/devices", "{\"name\":\"sensor\",\"endpoint\":\"bridge.lan:51820\","
                + "\"keepalive\":25}");
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.headers()).containsEntry("cache-control", "no-store");
        JsonNode body = added.json();
        assertThat(body.path("device").path("name").asText()).isEqualTo("sensor");
        assertThat(body.path("config").asText()).contains("Endpoint = bridge.lan:51820\n", "PersistentKeepalive = 25\n");
        assertThat(Base64.getDecoder().decode(body.path("qrPng").asText())).isEqualTo(FakeDevices.PNG);

        devices.handshake("sensor");
        JsonNode listed = local.get("/api/devices").json().path("devices");
        assertThat(listed).hasSize(1);
        JsonNode d = listed.get(0);
        assertThat(d.path("name").asText()).isEqualTo("sensor");
        assertThat(d.path("addresses").get(0).asText()).isEqualTo("fd7a:115c:a1e0:9909::2");
        assertThat(d.path("lastHandshake").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(d.path("rxBytes").asLong()).isEqualTo(1234);
        assertThat(d.path("online").asBoolean()).isTrue();
        assertThat(d.has("config")).as("the list never carries a configuration").isFalse();

        RawHttp.Response removed = local.send("DELETE", "/api/devices/sensor", SAME_ORIGIN_JSON, null);
        assertThat(removed.status()).isEqualTo(200);
        assertThat(local.get("/api/devices").json().path("devices")).isEmpty();
    }

    @Test
    void mistakesAreOneLine400sAndChangesNeedJsonFromTheSameOrigin() throws IOException {
        RawHttp local = start(true)[0];
        assertThat(local.post("/api/devices", "{\"name\":\"sensor\"}").status()).isEqualTo(201);
        RawHttp.Response twice = local.post("/api/devices", "{\"name\":\"sensor\"}");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.json().path("error").asText()).isEqualTo("a device named 'sensor' is enrolled already");
        assertThat(local.post("/api/devices", "{\"name\":\"Bad Name\"}").json().path("error").asText())
                .contains("is not valid");
        assertThat(local.post("/api/devices", "{}").json().path("error").asText()).isEqualTo("name is missing");
        assertThat(local.post("/api/devices", "{\"name\":\"x\",\"privateKey\":\"k\"}").json().path("error").asText())
                .startsWith("unknown field 'privateKey'");
        assertThat(local.post("/api/devices", "{\"name\":\"x\",\"keepalive\":\"soon\"}").status()).isEqualTo(400);
        assertThat(local.post("/api/devices", "{\"name\":7}").status()).isEqualTo(400);
        assertThat(local.send("DELETE", "/api/devices/nobody", SAME_ORIGIN_JSON, null).json().path("error").asText())
                .isEqualTo("no device named 'nobody' is enrolled");
        assertThat(local.send("PUT", "/api/devices", SAME_ORIGIN_JSON, "{}").status()).isEqualTo(405);
        assertThat(local.send("GET", "/api/devices/sensor", Map.of(), null).status()).isEqualTo(405);
        // A form post from another site is no JSON; a cross-site DELETE is refused before it reaches the bridge.
        assertThat(local.send("DELETE", "/api/devices/sensor", Map.of(), null).status()).isEqualTo(415);
        assertThat(local.send("DELETE", "/api/devices/sensor", Map.of("Content-Type", "application/json",
                "Sec-Fetch-Site", "cross-site"), null).status()).isEqualTo(403);
        assertThat(devices.devices()).hasSize(1);
    }

    @Test
    void theTailnetListenerHasNoDevicesApiEvenForTheOwner() throws IOException {
        RawHttp tailnet = start(true)[1];
        backend.tailnetCaller = FakeBackend.ALICE_LAPTOP;
        assertThat(tailnet.get("/api/status").json().path("role").asText()).isEqualTo("owner");
        assertThat(tailnet.get("/api/status").json().path("devices").asBoolean()).isFalse();
        assertThat(tailnet.get("/api/devices").status()).isEqualTo(404);
        assertThat(tailnet.post("/api/devices", "{\"name\":\"sneaky\"}").status()).isEqualTo(404);
        assertThat(devices.devices()).isEmpty();
    }

    @Test
    void aNodeWithoutABridgeHasNoDevicesApi() throws IOException {
        RawHttp local = start(false)[0];
        assertThat(local.get("/api/status").json().path("devices").asBoolean()).isFalse();
        assertThat(local.get("/api/devices").status()).isEqualTo(404);
    }
}
