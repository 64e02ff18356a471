package io.microlink.netstack.icmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IcmpErrorLimiterTest {
    private static final long MS = 1_000_000L;

    @Test
    void aBurstThenTheRate() {
        IcmpErrorLimiter limit = new IcmpErrorLimiter(10, 5);
        long t = 123_456_789L;
        for (int i = 0; i < 5; i++) {
            assertThat(limit.tryAcquire(t)).as("burst " + i).isTrue();
        }
        assertThat(limit.tryAcquire(t)).isFalse();
        assertThat(limit.tryAcquire(t + 99 * MS)).as("a token takes 100 ms").isFalse();
        assertThat(limit.tryAcquire(t + 100 * MS)).isTrue();
        assertThat(limit.tryAcquire(t + 100 * MS)).isFalse();
    }

    @Test
    void aLongQuietRefillsTheBurstButNoMore() {
        IcmpErrorLimiter limit = new IcmpErrorLimiter(10, 3);
        long t = 0;
        for (int i = 0; i < 3; i++) {
            limit.tryAcquire(t);
        }
        t += 3_600_000 * MS;
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            granted += limit.tryAcquire(t) ? 1 : 0;
        }
        assertThat(granted).isEqualTo(3);
    }

    @Test
    void aClockThatStepsBackGrantsNothingExtra() {
        IcmpErrorLimiter limit = new IcmpErrorLimiter(10, 1);
        assertThat(limit.tryAcquire(1_000 * MS)).isTrue();
        assertThat(limit.tryAcquire(0)).isFalse();
        assertThat(limit.tryAcquire(50 * MS)).isFalse();
    }

    @Test
    void refusesANonPositiveRateOrBurst() {
        assertThatThrownBy(() -> new IcmpErrorLimiter(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IcmpErrorLimiter(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
