package io.microlink.netcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HomeDerpSelectorTest {
    private static final Instant T0 = Instant.parse("2026-11-21T20:00:00Z");

    private static NetcheckReport at(int seconds, Map<Integer, Integer> millis) {
        Map<Integer, Duration> l = new java.util.HashMap<>();
        millis.forEach((r, ms) -> l.put(r, Duration.ofMillis(ms)));
        return new NetcheckReport(T0.plusSeconds(seconds), l, Map.of(), null, null, null);
    }

    @Test
    void theFastestRegionWinsAtFirstAndTiesGoToTheLowerId() {
        assertThat(new HomeDerpSelector().update(at(0, Map.of(1, 40, 2, 20, 3, 30)))).isEqualTo(2);
        assertThat(new HomeDerpSelector().update(at(0, Map.of(5, 20, 4, 20)))).isEqualTo(4);
        assertThat(new HomeDerpSelector().update(at(0, Map.of()))).isZero();
    }

    @Test
    void theHomeStaysUnlessTheChallengerIsClearlyBetter() {
        HomeDerpSelector s = new HomeDerpSelector();
        s.update(at(0, Map.of(1, 50)));
        assertThat(s.update(at(10, Map.of(1, 50, 2, 42)))).as("only 8 ms better").isEqualTo(1);
        assertThat(s.update(at(20, Map.of(1, 50, 2, 35)))).as("15 ms better but above 2/3").isEqualTo(1);
        assertThat(s.update(at(30, Map.of(1, 50, 2, 30)))).as("20 ms better and below 2/3").isEqualTo(2);
    }

    @Test
    void aHomeThatStopsAnsweringIsReplacedOnceItsHistoryAgesOut() {
        HomeDerpSelector s = new HomeDerpSelector();
        s.update(at(0, Map.of(1, 10, 2, 30)));
        assertThat(s.update(at(10, Map.of()))).as("an empty report changes nothing").isEqualTo(1);
        // As in tailscale, five minutes of history outweigh one silent probe round.
        assertThat(s.update(at(20, Map.of(2, 30)))).isEqualTo(1);
        assertThat(s.update(at(400, Map.of(2, 30)))).isEqualTo(2);
    }

    @Test
    void historyRemembersTheBestLatencyForFiveMinutes() {
        HomeDerpSelector s = new HomeDerpSelector();
        s.update(at(0, Map.of(1, 10, 2, 30)));
        // Region 1 looks slow now, but its 10 ms from a minute ago still counts.
        assertThat(s.update(at(60, Map.of(1, 80, 2, 30)))).isEqualTo(1);
        // Six minutes later the old sample has aged out: 2 is clearly better.
        assertThat(s.update(at(420, Map.of(1, 80, 2, 30)))).isEqualTo(2);
    }

    @Test
    void controlsRegionScoresWeighTheChoice() {
        assertThat(new HomeDerpSelector(Map.of(2, 3.0)).update(at(0, Map.of(1, 40, 2, 20)))).isEqualTo(1);
    }
}
