package io.microlink.netmon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The change detector fed snapshots and both clocks by hand. */
class ChangeDetectorTest {
    private static final long MS = 1_000_000L;
    private static final Duration SETTLE = Duration.ofMillis(250);
    private static final Duration JUMP = Duration.ofSeconds(3);
    static final NetworkState HOME = state("eth0", "192.168.1.14", new NetworkState.Route("eth0", "192.168.1.1"));
    static final NetworkState CAFE = state("eth1", "10.0.0.7", new NetworkState.Route("eth1", "10.0.0.1"));
    static final NetworkState NOWHERE = NetworkState.EMPTY;

    private long mono = 5_000 * MS;
    private long wall = 1_800_000_000_000L;
    private final ChangeDetector detector = new ChangeDetector(HOME, mono, wall, SETTLE, JUMP);

    static NetworkState state(String nic, String address, NetworkState.Route v4) {
        return new NetworkState(Map.of(nic, Set.of(ip(address))), v4, null);
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Both clocks advance by {@code ms}, as they do while the machine is awake. */
    private NetworkChange after(long ms, NetworkState s) {
        mono += ms * MS;
        wall += ms;
        return detector.observe(s, mono, wall);
    }

    @Test
    void theSameNetworkIsNoChangeHoweverItIsListed() {
        assertThat(after(1000, HOME)).isNull();
        NetworkState again = new NetworkState(new java.util.HashMap<>(Map.of("eth0", Set.of(ip("192.168.1.14")))),
                new NetworkState.Route("eth0", "192.168.1.1"), null);
        assertThat(after(1000, again)).isNull();
        assertThat(detector.nanosUntilDue(mono)).as("nothing held").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theFirstDifferenceIsReportedAtOnce() {
        NetworkChange c = after(1000, CAFE);
        assertThat(c).isNotNull();
        assertThat(c.before()).isEqualTo(HOME);
        assertThat(c.after()).isEqualTo(CAFE);
        assertThat(c.timeJumped()).isFalse();
        assertThat(c.vanished()).containsExactly(ip("192.168.1.14"));
        assertThat(c.appeared()).containsExactly(ip("10.0.0.7"));
        assertThat(c.defaultRouteChanged()).isTrue();
    }

    @Test
    void aBurstIsGatheredIntoOneReportOfTheStateItSettledOn() {
        // The old link goes, then the new link's addresses, 40 ms apart; no route yet.
        assertThat(after(1000, NOWHERE)).as("the path is gone: said at once").isNotNull();
        NetworkState addressOnly = state("eth1", "10.0.0.7", null);
        NetworkState twoAddresses = new NetworkState(Map.of("eth1", Set.of(ip("10.0.0.7"), ip("10.0.0.8"))), null,
                null);
        assertThat(after(40, addressOnly)).isNull();
        assertThat(after(40, twoAddresses)).isNull();
        assertThat(detector.nanosUntilDue(mono)).isEqualTo(SETTLE.toNanos() - 80 * MS);

        NetworkChange settled = after(170, twoAddresses);
        assertThat(settled).isNotNull();
        assertThat(settled.before()).isEqualTo(NOWHERE);
        assertThat(settled.after()).isEqualTo(twoAddresses);
        assertThat(after(1000, twoAddresses)).isNull();
    }

    @Test
    void theFirstDefaultRouteAfterNoneIsReportedAtOnce() {
        assertThat(after(1000, NOWHERE)).isNotNull();
        assertThat(after(40, state("eth1", "10.0.0.7", null))).isNull();
        NetworkChange c = after(40, CAFE);
        assertThat(c).as("traffic waits for this route: not held for the settle time").isNotNull();
        assertThat(c.after()).isEqualTo(CAFE);
    }

    @Test
    void aMoveToANewLinkIsReportedAsSoonAsItsDefaultRouteIsThere() {
        // As NatTopology.move does it: the new link and address, the old link gone with its
        // route, then the default route through the new link, all within the settle time.
        NetworkState both = new NetworkState(Map.of("eth0", Set.of(ip("192.168.1.14")), "eth1",
                Set.of(ip("10.0.0.7"))), HOME.defaultV4(), null);
        NetworkChange first = after(1000, both);
        assertThat(first).isNotNull();
        assertThat(first.appeared()).containsExactly(ip("10.0.0.7"));
        assertThat(after(60, state("eth1", "10.0.0.7", null))).as("no way out yet: held").isNull();
        NetworkChange moved = after(60, CAFE);
        assertThat(moved).as("the new way out, 120 ms after the first report").isNotNull();
        assertThat(moved.vanished()).containsExactly(ip("192.168.1.14"));
        assertThat(moved.defaultRouteChanged()).isTrue();
    }

    @Test
    void aFlapThatEndsWhereItBeganWithinTheSettleTimeReportsNothingMore() {
        assertThat(after(1000, CAFE)).isNotNull();
        assertThat(after(50, HOME)).isNull();
        assertThat(after(50, CAFE)).isNull();
        assertThat(detector.nanosUntilDue(mono)).isEqualTo(Long.MAX_VALUE);
        assertThat(after(500, CAFE)).isNull();
    }

    @Test
    void aWallClockThatMovedOnWhileTheMonotonicOneStoodStillIsASuspend() {
        mono += 1000 * MS;
        wall += 1000 + 600_000; // ten minutes asleep
        NetworkChange c = detector.observe(HOME, mono, wall);
        assertThat(c).isNotNull();
        assertThat(c.timeJumped()).isTrue();
        assertThat(c.before()).isEqualTo(c.after());
        assertThat(after(1000, HOME)).as("one jump, one report").isNull();
    }

    @Test
    void driftBelowTheThresholdAndAClockSteppedBackByMoreAreToldApart() {
        mono += 1000 * MS;
        wall += 1000 + 2_000; // NTP slewing, a slow poll: not a jump
        assertThat(detector.observe(HOME, mono, wall)).isNull();
        mono += 1000 * MS;
        wall -= 10_000; // stepped back
        assertThat(detector.observe(HOME, mono, wall)).isNotNull().extracting(NetworkChange::timeJumped)
                .isEqualTo(true);
    }

    @Test
    void aJumpWithinTheSettleTimeIsHeldAndStillReported() {
        assertThat(after(1000, CAFE)).isNotNull();
        mono += 10 * MS;
        wall += 10 + 60_000;
        assertThat(detector.observe(CAFE, mono, wall)).isNull();
        NetworkChange c = after(SETTLE.toMillis(), CAFE);
        assertThat(c).isNotNull();
        assertThat(c.timeJumped()).isTrue();
    }
}
