package io.microlink.magicsock;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.wire.DerpMap;
import io.microlink.control.wire.Hostinfo;
import io.microlink.netcheck.NetcheckReport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The maintenance loop's decisions, with a fake clock and a recording reporter. */
class HomeRelayTest {
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final long S = 1_000_000_000L;
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final InetSocketAddress STUN_SEEN = new InetSocketAddress("203.0.113.5", 41641);
    private static final InetSocketAddress LAN = new InetSocketAddress("192.168.1.5", 41641);
    private static final DerpMap MAP = new DerpMap(Map.of(
            3, new DerpMap.Region(3, "c", "C", false, List.of()),
            9, new DerpMap.Region(9, "i", "I", false, List.of())));

    private record Report(Hostinfo.NetInfo netInfo, List<Magicsock.OwnEndpoint> endpoints) {}

    private final List<Report> reports = new ArrayList<>();
    private final HomeRelay relay = new HomeRelay(INTERVAL, new SplittableRandom(7),
            (netInfo, endpoints) -> reports.add(new Report(netInfo, endpoints)));
    private long now = 100 * S;

    @Test
    void theFirstRoundRunsAtOnceAndTheNextAfterTheInterval() {
        assertThat(relay.nanosUntilRound(now)).isZero();
        assertThat(relay.startRound(now)).isTrue();
        relay.roundDone(now, true);

        assertThat(relay.startRound(now + INTERVAL.toNanos() - 1)).isFalse();
        assertThat(relay.nanosUntilRound(now + INTERVAL.toNanos() - 1)).isEqualTo(1);
        assertThat(relay.startRound(now + INTERVAL.toNanos())).isTrue();
    }

    @Test
    void aKickRunsARoundAtOnceAndAKickDuringARoundAnotherAfterIt() {
        relay.startRound(now);
        relay.roundDone(now, true);
        relay.kick();
        assertThat(relay.nanosUntilRound(now)).isZero();
        assertThat(relay.startRound(now)).isTrue();
        relay.kick(); // e.g. the DERP map changed while we measured
        relay.roundDone(now, true);
        assertThat(relay.startRound(now)).isTrue();
        relay.roundDone(now, true);
        assertThat(relay.startRound(now)).as("kicks do not pile up").isFalse();
    }

    @Test
    void whileTheHomeRelayIsDownRoundsComeSoonerWithGrowingBackoff() {
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            relay.startRound(now);
            relay.roundDone(now, false);
            waits.add(relay.nanosUntilRound(now));
            now += relay.nanosUntilRound(now);
        }
        assertThat(waits.getFirst()).isBetween(HomeRelay.RETRY_MIN.toNanos() / 2, HomeRelay.RETRY_MIN.toNanos());
        assertThat(waits.get(3)).isGreaterThan(HomeRelay.RETRY_MIN.toNanos());
        assertThat(waits).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(INTERVAL.toNanos()));
        assertThat(waits.getLast()).as("capped by the interval").isEqualTo(INTERVAL.toNanos());

        relay.startRound(now);
        relay.roundDone(now, true);
        assertThat(relay.nanosUntilRound(now)).isEqualTo(INTERVAL.toNanos());
        now += INTERVAL.toNanos();
        relay.startRound(now);
        relay.roundDone(now, false);
        assertThat(relay.nanosUntilRound(now)).as("a new outage starts over")
                .isLessThanOrEqualTo(HomeRelay.RETRY_MIN.toNanos());
    }

    @Test
    void theHomeIsTheFastestRegionAndStaysUnlessAnotherIsClearlyFaster() {
        assertThat(relay.chooseHome(MAP, report(0, Map.of(3, 30, 9, 20)), 0)).isEqualTo(9);
        assertThat(relay.chooseHome(MAP, report(10, Map.of(3, 15, 9, 20)), 9)).isEqualTo(9);
        assertThat(relay.chooseHome(MAP, report(20, Map.of(3, 5, 9, 20)), 9)).isEqualTo(3);
    }

    @Test
    void whenNoRegionAnswersTheCurrentHomeStaysOrTheLowestRegionBecomesHome() {
        assertThat(relay.chooseHome(MAP, report(0, Map.of()), 9)).isEqualTo(9);
        assertThat(relay.chooseHome(MAP, report(0, Map.of()), 0)).isEqualTo(3);
    }

    @Test
    void theLastHomeIsRejoinedOnlyWhileTheMapHasIt() {
        assertThat(HomeRelay.rejoin(MAP, 9)).isEqualTo(9);
        assertThat(HomeRelay.rejoin(MAP, 4)).isZero();
        assertThat(HomeRelay.rejoin(MAP, 0)).isZero();
        assertThat(HomeRelay.rejoin(null, 9)).isZero();
        assertThat(HomeRelay.measurable(MAP)).isTrue();
        assertThat(HomeRelay.measurable(new DerpMap(Map.of()))).isFalse();
        assertThat(HomeRelay.measurable(null)).isFalse();
    }

    @Test
    void controlHearsTheHomeAndEndpointsStunsFirstAndOnlyWhenTheyChange() {
        relay.measured(report(0, Map.of(3, 30)), 3, null, List.of(LAN, STUN_SEEN));
        assertThat(reports).hasSize(1);
        Report first = reports.getFirst();
        assertThat(first.netInfo()).isEqualTo(new Hostinfo.NetInfo(3, Map.of("3-v4", 0.03), true, false));
        assertThat(first.endpoints()).containsExactly(new Magicsock.OwnEndpoint(STUN_SEEN, Magicsock.ENDPOINT_STUN),
                new Magicsock.OwnEndpoint(LAN, Magicsock.ENDPOINT_LOCAL));
        assertThat(relay.endpoints()).containsExactly(STUN_SEEN, LAN);

        relay.measured(report(10, Map.of(3, 35)), 3, null, List.of(LAN));
        assertThat(reports).as("latency alone is not news").hasSize(1);

        relay.measured(report(20, Map.of(3, 35)), 9, null, List.of(LAN));
        assertThat(reports).hasSize(2);
        assertThat(reports.getLast().netInfo().preferredDerp()).isEqualTo(9);

        relay.measured(report(30, Map.of(3, 35)), 9, null, List.of());
        assertThat(reports).as("an endpoint went away").hasSize(3);

        relay.measured(report(40, Map.of()), 9, null, List.of());
        assertThat(reports).as("UDP stopped working").hasSize(4);
        assertThat(reports.getLast().netInfo().workingUdp()).isFalse();
        assertThat(reports.getLast().endpoints()).isEmpty();
    }

    @Test
    void aPortMappedEndpointComesFirstAndIsNews() {
        InetSocketAddress mapped = new InetSocketAddress(STUN_SEEN.getAddress(), 60001);
        relay.measured(report(0, Map.of(3, 30)), 3, null, List.of(LAN));
        relay.measured(report(10, Map.of(3, 30)), 3, mapped, List.of(LAN));
        assertThat(reports).as("the gateway granted a mapping").hasSize(2);
        assertThat(reports.getLast().endpoints()).containsExactly(
                new Magicsock.OwnEndpoint(mapped, Magicsock.ENDPOINT_PORTMAPPED),
                new Magicsock.OwnEndpoint(STUN_SEEN, Magicsock.ENDPOINT_STUN),
                new Magicsock.OwnEndpoint(LAN, Magicsock.ENDPOINT_LOCAL));
        // A gateway that keeps the port: STUN sees the mapped endpoint itself, which is listed once.
        relay.measured(report(20, Map.of(3, 30)), 3, STUN_SEEN, List.of(LAN));
        assertThat(reports.getLast().endpoints()).containsExactly(
                new Magicsock.OwnEndpoint(STUN_SEEN, Magicsock.ENDPOINT_PORTMAPPED),
                new Magicsock.OwnEndpoint(LAN, Magicsock.ENDPOINT_LOCAL));
    }

    /** A report at T0 + {@code seconds} with these IPv4 latencies in ms, seen by STUN as {@link #STUN_SEEN}. */
    private static NetcheckReport report(int seconds, Map<Integer, Integer> millis) {
        Map<Integer, Duration> latencies = new HashMap<>();
        millis.forEach((region, ms) -> latencies.put(region, Duration.ofMillis(ms)));
        return new NetcheckReport(T0.plusSeconds(seconds), latencies, Map.of(),
                millis.isEmpty() ? null : STUN_SEEN, null, null);
    }
}
