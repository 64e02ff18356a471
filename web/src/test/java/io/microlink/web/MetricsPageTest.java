package io.microlink.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.web.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics}: what it says, read back by the text format's own parser (Python's
 * prometheus_client, which scripts/setup installs), and who may read it on which listener.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsPageTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Reads the exposition on stdin and prints every sample as JSON: family, type, name, labels, value. */
    private static final String PARSE = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for f in text_string_to_metric_families(sys.stdin.read()):
                for s in f.samples:
                    out.append({"family": f.name, "type": f.type, "name": s.name, "labels": s.labels, "value": s.value})
            print(json.dumps(out))
            """;

    @TempDir
    Path dir;

    private WebServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void thePrometheusParserReadsEveryFamilyAndGetsAwkwardPeerNamesBackIntact() throws Exception {
        String text = MetricsPage.render(new FakeBackend(dir).metrics());
        JsonNode samples = parse(text);

        assertThat(value(samples, "microlink_peer_receive_bytes_total", Map.of("peer", "peer01.tailnet.test",
                "path", "derp"))).isEqualTo(1000);
        assertThat(value(samples, "microlink_peer_transmit_packets_total", Map.of("peer", "peer01.tailnet.test",
                "path", "direct"))).isEqualTo(40);
        assertThat(value(samples, "microlink_peer_transmit_bytes_total", Map.of("peer", FakeBackend.AWKWARD_PEER,
                "path", "direct"))).isEqualTo(6);
        assertThat(value(samples, "microlink_wireguard_handshakes_total", Map.of())).isEqualTo(3);
        assertThat(value(samples, "microlink_disco_pings_sent_total", Map.of())).isEqualTo(12);
        assertThat(value(samples, "microlink_disco_pongs_received_total", Map.of())).isEqualTo(11);
        assertThat(value(samples, "microlink_disco_pings_answered_total", Map.of())).isEqualTo(9);
        assertThat(value(samples, "microlink_derp_connects_total", Map.of())).isEqualTo(2);
        assertThat(value(samples, "microlink_derp_latency_seconds", Map.of("region", "hs"))).isEqualTo(1.5);
        assertThat(value(samples, "microlink_netmap_updates_total", Map.of())).isEqualTo(4);
        assertThat(value(samples, "microlink_dropped_total", Map.of("reason", "filter_no_rule"))).isEqualTo(7);
        assertThat(value(samples, "microlink_tcp_connections", Map.of())).isEqualTo(5);
        assertThat(value(samples, "microlink_udp_sockets", Map.of())).isEqualTo(2);
        assertThat(value(samples, "microlink_jvm_heap_used_bytes", Map.of())).isPositive();
        for (JsonNode s : samples) {
            String type = s.path("type").asText();
            assertThat(type).as(s.toString()).isIn("counter", "gauge");
            assertThat(s.path("name").asText().endsWith("_total")).as(s.toString()).isEqualTo(type.equals("counter"));
        }
    }

    @Test
    void onLocalhostOnlyWithTheTokenAndOnTheTailnetOnlyWhenTurnedOn() throws Exception {
        FakeBackend backend = new FakeBackend(dir);
        WebToken token = WebToken.random();
        int local = WebApiTest.freePort();
        int tailnet = WebApiTest.freePort();
        server = WebServer.start(backend, new WebOptions(true, tailnet, local, GuestAccess.NONE,
                HttpServer.Limits.DEFAULT, token));
        RawHttp onLocalhost = new RawHttp(local, "localhost:" + local);
        assertThat(onLocalhost.get("/metrics").status()).isEqualTo(401);
        RawHttp.Response scraped = onLocalhost.with("Authorization", "Bearer " + token.text()).get("/metrics");
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.headers().get("content-type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(scraped.body()).contains("# TYPE microlink_wireguard_handshakes_total counter\n");
        assertThat(onLocalhost.with("Authorization", "Bearer " + token.text()).post("/metrics", "{}").status())
                .isEqualTo(405);

        backend.tailnetCaller = FakeBackend.ALICE_LAPTOP; // the owner's user: the rest of the page is theirs
        RawHttp onTailnet = new RawHttp(tailnet, "100.64.0.1");
        assertThat(onTailnet.get("/api/status").status()).isEqualTo(200);
        assertThat(onTailnet.get("/metrics").status()).isEqualTo(404);
        server.close();

        server = WebServer.start(backend, new WebOptions(true, tailnet, 0, GuestAccess.NONE,
                HttpServer.Limits.DEFAULT, token, true));
        assertThat(onTailnet.get("/metrics").status()).isEqualTo(200);
        backend.tailnetCaller = FakeBackend.BOB_PHONE; // another user: as the rest of the page, nothing
        assertThat(onTailnet.get("/metrics").status()).isEqualTo(403);
    }

    private static double value(JsonNode samples, String name, Map<String, String> labels) {
        for (JsonNode s : samples) {
            if (s.path("name").asText().equals(name) && new ObjectMapper().convertValue(s.path("labels"), Map.class)
                    .equals(labels)) {
                return s.path("value").asDouble();
            }
        }
        throw new AssertionError("no sample " + name + labels + " in " + samples);
    }

    /** The samples as the real parser reads them; fails (never skips) without it: run scripts/setup. */
    private JsonNode parse(String text) throws IOException, InterruptedException {
        assertThat(PYTHON).as("python3 with prometheus_client: run scripts/setup").isExecutable();
        Path script = Files.writeString(dir.resolve("parse.py"), PARSE);
        Process p = new ProcessBuilder(List.of(PYTHON.toString(), script.toString())).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = read(p.getInputStream());
        String err = read(p.getErrorStream());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("the parser refused the text:\n" + err + "\n" + text).isZero();
        return new ObjectMapper().readTree(out);
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        return buf.toString(StandardCharsets.UTF_8);
    }
}
