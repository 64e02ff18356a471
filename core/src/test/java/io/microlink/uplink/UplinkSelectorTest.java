package io.microlink.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.UplinkStatus;
import io.microlink.UplinkStatus.Health;
import java.util.List;
import org.junit.jupiter.api.Test;

class UplinkSelectorTest {
    private static final long S = 1_000_000_000L;
    private static final long FAILBACK = 30 * S;

    private final UplinkSelector sel = new UplinkSelector(List.of("wlan0", "wwan0"), FAILBACK);
    private long now = 100 * S;

    private UplinkSelector.Switch check(String name, boolean ok) {
        now += S;
        return sel.record(name, ok, now);
    }

    @Test
    void thePreferredUplinkStartsActiveAndUnknown() {
        assertThat(sel.active()).isEqualTo("wlan0");
        assertThat(sel.statuses()).containsExactly(new UplinkStatus("wlan0", Health.UNKNOWN, true),
                new UplinkStatus("wwan0", Health.UNKNOWN, false));
    }

    @Test
    void anUplinkIsDownOnlyAfterThreeFailuresInARowAndUpAfterTwoSuccesses() {
        check("wlan0", false);
        check("wlan0", false);
        check("wlan0", true); // the run of failures is broken
        check("wlan0", false);
        check("wlan0", false);
        assertThat(sel.statuses().getFirst().health()).isEqualTo(Health.UNKNOWN);
        check("wlan0", false);
        assertThat(sel.statuses().getFirst().health()).isEqualTo(Health.DOWN);
        check("wlan0", true);
        assertThat(sel.statuses().getFirst().health()).isEqualTo(Health.DOWN);
        check("wlan0", true);
        assertThat(sel.statuses().getFirst().health()).isEqualTo(Health.UP);
    }

    @Test
    void aDownActiveUplinkSwitchesAtOnceToTheBestOneThatIsUp() {
        healthy("wlan0");
        healthy("wwan0");
        assertThat(check("wlan0", false)).isNull();
        assertThat(check("wlan0", false)).isNull();
        UplinkSelector.Switch s = check("wlan0", false);
        assertThat(s).isNotNull();
        assertThat(s.from()).isEqualTo("wlan0");
        assertThat(s.to()).isEqualTo("wwan0");
        assertThat(s.reason()).contains("wlan0 failed 3 checks");
        assertThat(sel.active()).isEqualTo("wwan0");
    }

    @Test
    void withNothingElseUpTheNodeStaysOnTheDownUplinkUntilSomethingIs() {
        for (int i = 0; i < 5; i++) {
            assertThat(check("wlan0", false)).isNull();
            assertThat(check("wwan0", false)).isNull();
        }
        assertThat(sel.active()).isEqualTo("wlan0");
        check("wwan0", true);
        assertThat(check("wwan0", true)).extracting(UplinkSelector.Switch::to).isEqualTo("wwan0");
    }

    @Test
    void failbackWaitsUntilThePreferredUplinkHasBeenUpForTheHysteresis() {
        healthy("wwan0");
        for (int i = 0; i < 3; i++) {
            check("wlan0", false);
        }
        assertThat(sel.active()).isEqualTo("wwan0");
        check("wlan0", true);
        check("wlan0", true); // up from now
        long upAt = now;
        while (now - upAt + S < FAILBACK) {
            assertThat(check("wlan0", true)).as("too early, %d s after it came up", (now - upAt) / S).isNull();
        }
        UplinkSelector.Switch back = check("wlan0", true);
        assertThat(back).isNotNull();
        assertThat(back.to()).isEqualTo("wlan0");
        assertThat(back.reason()).contains("failback");
    }

    @Test
    void aFlapDuringTheHysteresisStartsItAgain() {
        healthy("wwan0");
        for (int i = 0; i < 3; i++) {
            check("wlan0", false);
        }
        healthy("wlan0");
        now += FAILBACK / 2;
        for (int i = 0; i < 3; i++) {
            check("wlan0", false); // down again before the hysteresis ran out
        }
        healthy("wlan0");
        now += FAILBACK / 2;
        assertThat(check("wlan0", true)).isNull();
        assertThat(sel.active()).isEqualTo("wwan0");
        now += FAILBACK / 2;
        assertThat(check("wlan0", true)).extracting(UplinkSelector.Switch::to).isEqualTo("wlan0");
    }

    @Test
    void aLessPreferredUplinkComingUpDoesNotMoveTrafficOffAHealthyOne() {
        healthy("wlan0");
        healthy("wwan0");
        now += 10 * FAILBACK;
        assertThat(check("wwan0", true)).isNull();
        assertThat(sel.active()).isEqualTo("wlan0");
    }

    @Test
    void theThirdUplinkIsUsedWhenTheFirstTwoAreDown() {
        UplinkSelector three = new UplinkSelector(List.of("a", "b", "c"), FAILBACK);
        for (String up : List.of("b", "c")) {
            three.record(up, true, 1);
            three.record(up, true, 2);
        }
        for (int i = 0; i < 3; i++) {
            three.record("a", false, 3 + i);
        }
        assertThat(three.active()).isEqualTo("b");
        for (int i = 0; i < 3; i++) {
            three.record("b", false, 10 + i);
        }
        assertThat(three.active()).isEqualTo("c");
    }

    @Test
    void namesMustBeDistinctAndKnown() {
        assertThatThrownBy(() -> new UplinkSelector(List.of(), FAILBACK)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UplinkSelector(List.of("a", "a"), FAILBACK))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sel.record("eth9", true, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private void healthy(String name) {
        check(name, true);
        check(name, true);
    }
}
