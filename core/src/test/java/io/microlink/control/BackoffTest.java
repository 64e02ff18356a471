package io.microlink.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void waitsDoubleWithJitterInTheUpperHalfUpToTheCap() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), new SplittableRandom(7));
        long[] ceilings = {1000, 2000, 4000, 8000, 8000, 8000};
        for (long ceiling : ceilings) {
            assertThat(b.next().toMillis()).isBetween(ceiling / 2, ceiling);
        }
        b.reset();
        assertThat(b.next().toMillis()).isBetween(500L, 1000L);
    }

    @Test
    void jitterSpreadsNodesApart() {
        Backoff a = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), new SplittableRandom(1));
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), new SplittableRandom(2));
        boolean differ = false;
        for (int i = 0; i < 5; i++) {
            differ |= !a.next().equals(b.next());
        }
        assertThat(differ).isTrue();
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new SplittableRandom()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new SplittableRandom()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
