package io.microlink.netstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCountersTest {
    private enum Kind { FIRST, SECOND, THIRD }

    @Test
    void countsEachEventAndShowsTheNonZeroOnesInTheEnumsOrder() {
        EventCounters<Kind> counts = new EventCounters<>(Kind.class);
        counts.add(Kind.THIRD);
        counts.add(Kind.FIRST);
        counts.add(Kind.THIRD);

        assertThat(counts.get(Kind.SECOND)).isZero();
        assertThat(counts.snapshot()).containsExactly(java.util.Map.entry("first", 1L), java.util.Map.entry("third", 2L));
    }

    @Test
    void noAdditionIsLostAcrossThreads() throws Exception {
        EventCounters<Kind> counts = new EventCounters<>(Kind.class);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.startVirtualThread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    counts.add(Kind.SECOND);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(counts.get(Kind.SECOND)).isEqualTo(80_000);
    }
}
