package io.microlink.magicsock;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerPathTest {
    private static final long MS = 1_000_000L;
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 41641);
    private static final InetSocketAddress B = new InetSocketAddress("::1", 41641);
    private static final InetSocketAddress LEARNED = new InetSocketAddress("127.0.0.2", 5000);

    private final PeerPath path = new PeerPath(true);
    private long now = 1_000 * MS;

    @Test
    void advertisedEndpointsAreNotUsedForDataUntilAPongProvesThem() {
        path.setAdvertised(List.of(A));
        assertThat(path.route(now)).isEqualTo(new PeerPath.Route(null, true));
        PeerPath.Probes probes = path.probes(now, Integer.MAX_VALUE);
        assertThat(probes.pings()).containsExactly(A);
        assertThat(probes.callMeMaybe()).isTrue();
        path.onPong(A, 2 * MS, now + 2 * MS);
        assertThat(path.route(now + 3 * MS)).isEqualTo(new PeerPath.Route(A, false));
    }

    @Test
    void trustLapsesWithoutPongsAndTrafficFallsBackToDerpAlongsideTheStalePath() {
        path.setAdvertised(List.of(A));
        path.route(now);
        path.probes(now, Integer.MAX_VALUE);
        path.onPong(A, MS, now);
        now += PeerPath.TRUST_NANOS;
        assertThat(path.route(now)).isEqualTo(new PeerPath.Route(A, true));
        assertThat(path.trustedDirect(now)).isNull();
    }

    @Test
    void theLatencyIsTheLatestPongsOnTheTrustedPathAndNoneOnceTrustLapses() {
        path.setAdvertised(List.of(A));
        assertThat(path.trustedLatency(now)).isNull();
        path.onPong(A, 4 * MS, now);
        assertThat(path.trustedLatency(now)).isEqualTo(Duration.ofMillis(4));
        path.onPong(A, 2 * MS, now + MS);
        assertThat(path.trustedLatency(now + MS)).isEqualTo(Duration.ofMillis(2));
        assertThat(path.trustedLatency(now + MS + PeerPath.TRUST_NANOS)).isNull();
    }

    @Test
    void aPongOnAnotherAddressAfterTheOldPathLapsedSaysThePathMovedAndNothingElseDoes() {
        path.setAdvertised(List.of(A, B));
        assertThat(path.onPong(A, 2 * MS, now)).as("the first path: nothing was lost").isFalse();
        assertThat(path.onPong(B, MS, now + MS)).as("a faster path while the old one works").isFalse();
        assertThat(path.onPong(B, MS, now + 2 * MS)).as("the same path again").isFalse();
        now += 2 * MS + PeerPath.TRUST_NANOS;
        assertThat(path.onPong(A, 3 * MS, now)).as("another address once the old one lapsed").isTrue();
        assertThat(path.route(now)).isEqualTo(new PeerPath.Route(A, false));
    }

    @Test
    void heartbeatsKeepAnActivePathTrusted() {
        path.setAdvertised(List.of(A));
        path.route(now);
        path.probes(now, Integer.MAX_VALUE);
        path.onPong(A, MS, now);
        assertThat(path.probes(now + MS, Integer.MAX_VALUE).pings()).isEmpty();
        now += PeerPath.HEARTBEAT_NANOS;
        path.route(now);
        PeerPath.Probes heartbeat = path.probes(now, Integer.MAX_VALUE);
        assertThat(heartbeat.pings()).containsExactly(A);
        assertThat(heartbeat.callMeMaybe()).isFalse();
        path.onPong(A, MS, now + MS);
        assertThat(path.trustedDirect(now + PeerPath.TRUST_NANOS)).isEqualTo(A);
    }

    @Test
    void anIdlePeerIsNotProbed() {
        path.setAdvertised(List.of(A));
        assertThat(path.probes(now, Integer.MAX_VALUE)).isEqualTo(PeerPath.Probes.NONE);
        path.route(now);
        assertThat(path.probes(now + PeerPath.ACTIVE_NANOS, Integer.MAX_VALUE)).isEqualTo(PeerPath.Probes.NONE);
    }

    @Test
    void discoveryRepeatsNoFasterThanThePingSpacing() {
        path.setAdvertised(List.of(A, B));
        path.route(now);
        assertThat(path.probes(now, Integer.MAX_VALUE).pings()).containsExactly(A, B);
        assertThat(path.probes(now + PeerPath.PING_SPACING_NANOS - 1, Integer.MAX_VALUE).pings()).isEmpty();
        PeerPath.Probes again = path.probes(now + PeerPath.PING_SPACING_NANOS, Integer.MAX_VALUE);
        assertThat(again.pings()).containsExactly(A, B);
        assertThat(again.callMeMaybe()).isTrue();
    }

    @Test
    void theFasterPathWinsAndASlowerOneDoesNotDisplaceATrustedBest() {
        path.setAdvertised(List.of(A, B));
        path.route(now);
        path.probes(now, Integer.MAX_VALUE);
        path.onPong(A, 5 * MS, now);
        path.onPong(B, 1 * MS, now);
        assertThat(path.trustedDirect(now)).isEqualTo(B);
        path.onPong(A, 2 * MS, now);
        assertThat(path.trustedDirect(now)).isEqualTo(B);
    }

    @Test
    void aPongFromAnUnknownEndpointOrWithDiscoveryOffProvesNothing() {
        path.onPong(A, MS, now);
        assertThat(path.trustedDirect(now)).isNull();
        PeerPath off = new PeerPath(false);
        off.setAdvertised(List.of(A));
        off.route(now);
        assertThat(off.probes(now, Integer.MAX_VALUE)).isEqualTo(PeerPath.Probes.NONE);
        off.onPong(A, MS, now);
        assertThat(off.route(now)).isEqualTo(new PeerPath.Route(null, true));
    }

    @Test
    void callMeMaybeMakesALearnedEndpointDueAtOnce() {
        path.setAdvertised(List.of(A));
        path.route(now);
        path.probes(now, Integer.MAX_VALUE);
        path.learn(LEARNED, true);
        assertThat(path.probes(now + MS, Integer.MAX_VALUE).pings()).containsExactly(LEARNED);
        assertThat(path.knows(LEARNED)).isTrue();
    }

    @Test
    void learnedEndpointsAreBoundedAndAdvertisedOnesFollowTheNetmap() {
        path.setAdvertised(List.of(A));
        for (int i = 0; i < PeerPath.MAX_LEARNED + 10; i++) {
            path.learn(new InetSocketAddress("127.0.1." + i, 7000), false);
        }
        assertThat(path.candidates()).hasSize(PeerPath.MAX_LEARNED + 1).contains(A);
        path.route(now);
        path.probes(now, Integer.MAX_VALUE);
        path.onPong(A, MS, now);
        path.setAdvertised(List.of(B));
        assertThat(path.candidates()).doesNotContain(A).contains(B);
        assertThat(path.trustedDirect(now)).isNull();
    }

    @Test
    void pingsPerWindowAreBoundedAndWhatIsLeftOutGoesInTheNextWindow() {
        List<InetSocketAddress> many = new java.util.ArrayList<>();
        for (int i = 0; i < PeerPath.MAX_PINGS_PER_WINDOW + 36; i++) {
            many.add(new InetSocketAddress("192.0.2." + (i + 1), 41641));
        }
        path.setAdvertised(many); // a peer may report any number of endpoints to control
        path.route(now);

        assertThat(path.probes(now, 10).pings()).as("the node's own budget first").hasSize(10);
        assertThat(path.probes(now + MS, Integer.MAX_VALUE).pings()).hasSize(PeerPath.MAX_PINGS_PER_WINDOW - 10);
        assertThat(path.probes(now + 2 * MS, Integer.MAX_VALUE).pings()).as("this window is spent").isEmpty();

        now += PeerPath.PING_SPACING_NANOS + MS; // every endpoint is due again
        path.route(now);
        assertThat(path.probes(now, Integer.MAX_VALUE).pings()).as("those not yet pinged come first")
                .containsAll(many.subList(PeerPath.MAX_PINGS_PER_WINDOW, many.size()))
                .hasSize(PeerPath.MAX_PINGS_PER_WINDOW);
    }

    @Test
    void afterAResetTheProvenPathIsGoneAndEveryCandidateIsPingedAgainAtOnceWithACallMeMaybe() {
        path.setAdvertised(List.of(A, B));
        path.route(now);
        path.probes(now, Integer.MAX_VALUE);
        path.onPong(A, MS, now + MS);
        assertThat(path.route(now + 2 * MS)).isEqualTo(new PeerPath.Route(A, false));

        now += 100 * MS; // well inside the ping spacing: without a reset nothing would be due
        path.reset();
        assertThat(path.route(now)).isEqualTo(new PeerPath.Route(null, true));
        PeerPath.Probes probes = path.probes(now, Integer.MAX_VALUE);
        assertThat(probes.pings()).containsExactlyInAnyOrder(A, B);
        assertThat(probes.callMeMaybe()).isTrue();
        path.onPong(B, MS, now + MS);
        assertThat(path.trustedDirect(now + 2 * MS)).isEqualTo(B);
    }
}
