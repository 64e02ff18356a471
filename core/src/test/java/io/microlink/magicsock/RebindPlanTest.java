package io.microlink.magicsock;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netmon.NetworkChange;
import io.microlink.netmon.NetworkState;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What magicsock does about each kind of network change. */
class RebindPlanTest {
    private static final NetworkState.Route VIA_A = new NetworkState.Route("eth0", "192.168.1.1");
    private static final NetworkState.Route VIA_B = new NetworkState.Route("eth0", "192.168.1.254");

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static NetworkState state(NetworkState.Route route, String... addresses) {
        return new NetworkState(Map.of("eth0", java.util.Arrays.stream(addresses).map(RebindPlanTest::ip)
                .collect(java.util.stream.Collectors.toSet())), route, null);
    }

    @Test
    void anUplinkSwitchIsHandledAsAMovedDefaultRoute() {
        RebindPlan moved = RebindPlan.of(new NetworkChange(state(VIA_A, "192.168.1.14"), state(VIA_B, "192.168.1.14"),
                false));
        assertThat(RebindPlan.uplinkSwitched()).isEqualTo(moved);
    }

    @Test
    void aVanishedAddressRebindsResetsPathsAndClosesTheRelayConnectionsThatUsedIt() {
        RebindPlan p = RebindPlan.of(new NetworkChange(state(VIA_A, "192.168.1.14"),
                state(VIA_A, "192.168.1.15"), false));
        assertThat(p).isEqualTo(new RebindPlan(true, true, false, Set.of(ip("192.168.1.14")), true));
    }

    @Test
    void aNewDefaultRouteRebindsAndClosesEveryRelayConnectionEvenWithTheSameAddress() {
        RebindPlan p = RebindPlan.of(new NetworkChange(state(VIA_A, "192.168.1.14"),
                state(VIA_B, "192.168.1.14"), false));
        assertThat(p).isEqualTo(new RebindPlan(true, true, true, Set.of(), true));
    }

    @Test
    void aSuspendIsTreatedLikeANewWayOut() {
        NetworkState same = state(VIA_A, "192.168.1.14");
        assertThat(RebindPlan.of(new NetworkChange(same, same, true)))
                .isEqualTo(new RebindPlan(true, true, true, Set.of(), true));
    }

    @Test
    void anAddedAddressOnlyAsksForANetcheck() {
        RebindPlan p = RebindPlan.of(new NetworkChange(state(VIA_A, "192.168.1.14"),
                state(VIA_A, "192.168.1.14", "2001:db8::14"), false));
        assertThat(p).isEqualTo(new RebindPlan(false, false, false, Set.of(), true));
    }

    @Test
    void linkLocalComingsAndGoingsChangeNothing() {
        RebindPlan p = RebindPlan.of(new NetworkChange(state(VIA_A, "192.168.1.14", "fe80::1"),
                state(VIA_A, "192.168.1.14", "fe80::2"), false));
        assertThat(p.isNothing()).isTrue();
    }

    @Test
    void twoPlansBeforeMagicsockGotToTheFirstAddUp() {
        RebindPlan a = new RebindPlan(false, false, false, Set.of(), true);
        RebindPlan b = new RebindPlan(true, true, false, Set.of(ip("10.0.0.7")), false);
        assertThat(a.and(b)).isEqualTo(new RebindPlan(true, true, false, Set.of(ip("10.0.0.7")), true));
        assertThat(RebindPlan.NOTHING.and(RebindPlan.NOTHING).isNothing()).isTrue();
    }

    @Test
    void aTcpConnectionIsStrandedWhenTheWayOutMovedOrItsOwnAddressVanished() {
        InetAddress old = ip("192.168.1.14");
        InetAddress kept = ip("192.168.2.20");
        RebindPlan vanished = RebindPlan.of(new NetworkChange(state(VIA_A, "192.168.1.14", "192.168.2.20"),
                state(VIA_A, "192.168.2.20"), false));
        assertThat(vanished.strands(old)).isTrue();
        assertThat(vanished.strands(kept)).isFalse();
        assertThat(vanished.strands(null)).as("not connected yet: nothing to close").isFalse();
        assertThat(RebindPlan.uplinkSwitched().strands(kept)).isTrue();
        assertThat(RebindPlan.uplinkSwitched().strands(null)).isTrue();
        RebindPlan moved = RebindPlan.of(new NetworkChange(state(VIA_A, "192.168.1.14"), state(VIA_B, "192.168.1.14"),
                false));
        assertThat(moved.strands(old)).isTrue();
        RebindPlan appeared = RebindPlan.of(new NetworkChange(state(VIA_A, "192.168.1.14"),
                state(VIA_A, "192.168.1.14", "192.168.2.20"), false));
        assertThat(appeared.strands(old)).isFalse();
    }
}
