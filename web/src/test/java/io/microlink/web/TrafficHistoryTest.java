package io.microlink.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.web.http.HttpException;
import io.microlink.web.http.HttpRequest;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charts' ring of samples, and {@code GET /api/history} that serves it. */
class TrafficHistoryTest {
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir
    Path dir;

    private static PeerInfo peer(String name, long rx, long tx) {
        return new PeerInfo(name, name + ".tailnet.test", List.of("100.64.0.1"), null, null, true, null,
                PeerInfo.DIRECT, "127.0.0.1:41641", null, rx, tx, false, List.of(), false, false);
    }

    private static Instant at(int interval) {
        return T0.plus(TrafficHistory.INTERVAL.multipliedBy(interval));
    }

    @Test
    void theFirstSampleOnlyNotesTheCountersAndEachLaterOneHoldsTheTrafficSince() {
        TrafficHistory h = new TrafficHistory();
        h.sample(at(0), List.of(peer("a", 1_000, 500), peer("b", 2_000, 0)), Map.of());
        assertThat(samples(h)).isEmpty();

        h.sample(at(1), List.of(peer("a", 1_600, 700), peer("b", 2_100, 50)), Map.of("a", Duration.ofMillis(3)));
        h.sample(at(2), List.of(peer("a", 1_600, 700), peer("b", 2_100, 50)), Map.of());
        List<TrafficHistory.Sample> s = samples(h);
        assertThat(s).containsExactly(
                new TrafficHistory.Sample(at(1).toEpochMilli(), 700, 250, Map.of("a", 3.0)),
                new TrafficHistory.Sample(at(2).toEpochMilli(), 0, 0, Map.of()));
    }

    @Test
    void aPeerThatLeavesWithItsCountersCountsAsNoTrafficNotANegativeOne() {
        TrafficHistory h = new TrafficHistory();
        h.sample(at(0), List.of(peer("a", 1_000, 1_000), peer("b", 5_000, 5_000)), Map.of());
        h.sample(at(1), List.of(peer("a", 1_100, 1_000)), Map.of());
        h.sample(at(2), List.of(peer("a", 1_300, 1_010)), Map.of());
        assertThat(samples(h)).extracting(TrafficHistory.Sample::rxBytes).containsExactly(0L, 200L);
        assertThat(samples(h)).extracting(TrafficHistory.Sample::txBytes).containsExactly(0L, 10L);
    }

    @Test
    void itKeepsAnHourAndDropsTheOldest() {
        TrafficHistory h = new TrafficHistory();
        int total = TrafficHistory.SAMPLES * 3;
        for (int i = 0; i <= total; i++) {
            h.sample(at(i), List.of(peer("a", i * 10L, 0)), Map.of());
        }
        List<TrafficHistory.Sample> s = samples(h);
        assertThat(s).hasSize(TrafficHistory.SAMPLES);
        assertThat(TrafficHistory.INTERVAL.multipliedBy(TrafficHistory.SAMPLES)).isEqualTo(Duration.ofHours(1));
        assertThat(s.getFirst().time()).isEqualTo(at(total - TrafficHistory.SAMPLES + 1).toEpochMilli());
        assertThat(s.getLast().time()).isEqualTo(at(total).toEpochMilli());
        assertThat(s).allSatisfy(x -> assertThat(x.rxBytes()).isEqualTo(10));
    }

    @Test
    void aSampleKeepsTheLatencyOfAtMostSixteenPeersTheFirstByName() {
        TrafficHistory h = new TrafficHistory();
        Map<String, Duration> latencies = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            latencies.put(String.format("peer%03d", i), Duration.ofMillis(i));
        }
        h.sample(at(0), List.of(), latencies);
        h.sample(at(1), List.of(), latencies);
        Map<String, Double> kept = samples(h).getFirst().latencyMillis();
        assertThat(kept).hasSize(TrafficHistory.MAX_PEERS).containsEntry("peer000", 0.0).containsEntry("peer015", 15.0)
                .doesNotContainKey("peer016");
    }

    @Test
    void theEndpointServesTheSamplesOldestFirstToGetOnly() throws Exception {
        TrafficHistory h = new TrafficHistory();
        WebApi api = new WebApi(new FakeBackend(dir), null, h);
        h.sample(at(0), List.of(peer("a", 0, 0)), Map.of());
        h.sample(at(1), List.of(peer("a", 10_240, 2_048)), Map.of("a", Duration.ofNanos(1_500_000)));
        h.sample(at(2), List.of(peer("a", 10_240, 4_096)), Map.of());

        JsonNode body = Json.MAPPER.readTree(api.handle(request("GET"), Access.Role.READER).body());
        assertThat(body.path("intervalSeconds").asInt()).isEqualTo(10);
        assertThat(body.path("capacity").asInt()).isEqualTo(360);
        JsonNode samples = body.path("samples");
        assertThat(samples).hasSize(2);
        assertThat(samples.get(0).path("time").asLong()).isEqualTo(at(1).toEpochMilli());
        assertThat(samples.get(0).path("rxBytes").asLong()).isEqualTo(10_240);
        assertThat(samples.get(0).path("txBytes").asLong()).isEqualTo(2_048);
        assertThat(samples.get(0).path("latencyMillis").path("a").asDouble()).isEqualTo(1.5);
        assertThat(samples.get(1).path("txBytes").asLong()).isEqualTo(2_048);
        assertThat(samples.get(1).path("latencyMillis").isEmpty()).isTrue();

        int status;
        try {
            status = api.handle(request("POST"), Access.Role.OWNER).status();
        } catch (HttpException e) {
            status = e.status();
        }
        assertThat(status).isEqualTo(405);
    }

    private static HttpRequest request(String method) {
        return new HttpRequest(method, "/api/history", Map.of(), Map.of("host", "localhost"), new byte[0], false,
                InetAddress.getLoopbackAddress());
    }

    private static List<TrafficHistory.Sample> samples(TrafficHistory h) {
        @SuppressWarnings("unchecked")
        List<TrafficHistory.Sample> s = (List<TrafficHistory.Sample>) h.json().get("samples");
        return s;
    }
}
