package io.microlink.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.web.http.HttpException;
import io.microlink.web.http.HttpRequest;
import io.microlink.web.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.Map;

class WebApiFuzzTest {
    private static final String[] PATHS = {"/api/settings", "/api/peers/allowed", "/api/peers", "/api/status",
        "/api/devices", "/api/history"};
    private static final WebApi API = new WebApi(backend(), new FakeDevices(), new TrafficHistory());

    private static FakeBackend backend() {
        try {
            return new FakeBackend(Files.createTempDirectory("microlink-webapi-fuzz"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A JSON API request with any body (and query) gets an answer: 2xx, or a 4xx that says
     * what was wrong; never an unexpected exception and never a 5xx.
     */
    @FuzzTest
    void request(FuzzedDataProvider data) {
        String path = data.pickValue(PATHS);
        String method = data.consumeBoolean() ? "POST" : "GET";
        Map<String, String> query = data.consumeBoolean() ? Map.of(data.consumeString(8), data.consumeString(16)) : Map.of();
        byte[] body = data.consumeRemainingAsBytes();
        HttpRequest r = new HttpRequest(method, path, query, Map.of("host", "localhost"), body, false,
                InetAddress.getLoopbackAddress());
        int status;
        try {
            HttpResponse response = API.handle(r, Access.Role.OWNER);
            status = response.status();
        } catch (HttpException e) {
            status = e.status();
        }
        assertThat(status).isBetween(200, 499);
    }
}
