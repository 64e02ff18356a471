package io.microlink.interop.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.PingPath;
import io.microlink.interop.Await;
import io.microlink.interop.Chromium;
import io.microlink.interop.TestTailnet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The monitor's charts in headless Chromium, from real traffic: a real tailscaled fetches pages
 * from the Java node over the tailnet while the node samples its history, then the browser draws
 * the traffic chart and the real peer's latency chart, and a screenshot of them goes to
 * {@code target/web-screenshots/monitor-charts.png}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MonitorChartsChromiumTest {
    private static final Duration PAGE = Duration.ofSeconds(30);
    private static final Path SHOTS = Path.of("target", "web-screenshots");

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    static WebTailnet w;

    @BeforeAll
    static void start() throws Exception {
        w = new WebTailnet(tailnet);
    }

    @AfterAll
    static void stop() {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void theChartsShowTheLastSamplesOfTrafficAndTheRealPeersLatency() throws Exception {
        w.java.ping("alice-ts", PingPath.ANY, Duration.ofSeconds(10));
        // A sample every 10 s: keep traffic flowing until two of them saw it and a direct path's round trip.
        JsonNode history = Await.result(Duration.ofSeconds(60), "two samples with traffic and alice-ts's latency", () -> {
            w.curl(w.alice, "GET", "/static/app.js", null);
            JsonNode h = w.curl(null, "GET", "/api/history", null).json();
            long withTraffic = 0;
            boolean latency = false;
            for (JsonNode s : h.path("samples")) {
                withTraffic += s.path("rxBytes").asLong() > 0 && s.path("txBytes").asLong() > 0 ? 1 : 0;
                latency |= s.path("latencyMillis").path("alice-ts").isNumber();
            }
            return withTraffic >= 2 && latency ? h : null;
        });
        assertThat(history.path("intervalSeconds").asInt()).isEqualTo(10);

        try (Chromium browser = Chromium.direct(tailnet.dir().resolve("chromium-charts"))) {
            browser.viewport(900, 1000, false);
            browser.load(w.localLink());
            // The tiles too, so the screenshot shows the whole page: /api/monitor may answer later.
            browser.waitFor("document.querySelectorAll('#traffic-chart path.series').length === 2"
                    + " && document.querySelector('#latency-charts figure') !== null"
                    + " && document.getElementById('updated').textContent !== ''", PAGE);
            assertThat(browser.eval("document.querySelector('#latency-charts').innerText").asText())
                    .contains("alice-ts", " ms");
            // The line spans the samples: as many points as samples with a value, each inside the chart.
            String d = browser.eval("document.querySelector('#traffic-chart path.series.in').getAttribute('d')").asText();
            assertThat(d).startsWith("M").contains("L");
            assertThat(browser.eval("document.querySelector('#traffic-chart .scale').textContent").asText())
                    .matches("top .*/s");
            byte[] png = browser.screenshot(SHOTS.resolve("monitor-charts.png"));
            assertThat(png.length).isGreaterThan(2000);
        }
    }

    @Test
    void aLoneSampleBetweenGapsIsDrawnAsADot() {
        try (Chromium browser = Chromium.direct(tailnet.dir().resolve("chromium-dot"))) {
            browser.load(w.localLink());
            browser.waitFor("typeof Charts === 'object'", PAGE);
            // A latency known for one sample only (a direct path between relayed spells): a line of
            // one point has no length, so only its round cap can show it.
            boolean stroked = browser.eval("""
                    (() => {
                      const figure = Charts.line([{ name: 'x', cls: 'latency', points: [[0, null], [30000, 1], [45000, null]] }],
                        { now: 60000, spanSeconds: 60, format: String });
                      document.body.append(figure);
                      const x = Charts.W / 2, y = 100 - 100 / 1.1;
                      return figure.querySelector('path.series').isPointInStroke(new DOMPoint(x, y));
                    })()""").asBoolean();
            assertThat(stroked).as("the lone sample's point is painted").isTrue();
        }
    }
}
