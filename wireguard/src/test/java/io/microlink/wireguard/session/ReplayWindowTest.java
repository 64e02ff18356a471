package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {
    @Test
    void acceptsEachCounterOnceInAnyOrderWithinTheWindow() {
        ReplayWindow w = new ReplayWindow();
        assertThat(w.accept(0)).isTrue();
        assertThat(w.accept(0)).isFalse();
        assertThat(w.accept(5)).isTrue();
        assertThat(w.accept(3)).isTrue();
        assertThat(w.accept(3)).isFalse();
        assertThat(w.accept(4)).isTrue();
        assertThat(w.mayAccept(5)).isFalse();
    }

    @Test
    void windowIsAtLeast2048Wide() {
        assertThat(ReplayWindow.WIDTH).isGreaterThanOrEqualTo(2048);
        ReplayWindow w = new ReplayWindow();
        long top = 100_000;
        w.accept(top);
        assertThat(w.mayAccept(top - ReplayWindow.WIDTH)).isTrue();
        assertThat(w.mayAccept(top - ReplayWindow.WIDTH - 1)).isFalse();
        assertThat(w.accept(top - 2048)).isTrue();
        assertThat(w.accept(top - 2048)).isFalse();
    }

    @Test
    void bigJumpClearsStaleBitsSoOldPositionsAreNotMistakenForSeen() {
        ReplayWindow w = new ReplayWindow();
        for (long i = 0; i < 5000; i++) {
            assertThat(w.accept(i)).isTrue();
        }
        long jump = 5000 + 64 * 64 * 3 + 17;
        assertThat(w.accept(jump)).isTrue();
        for (long c = jump - ReplayWindow.WIDTH; c < jump; c++) {
            assertThat(w.mayAccept(c)).as("counter %d", c).isTrue();
        }
    }

    @Test
    void everyCounterInALongShuffledRunIsAcceptedExactlyOnce() {
        ReplayWindow w = new ReplayWindow();
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        long[] seq = new long[20_000];
        for (int i = 0; i < seq.length; i++) {
            seq[i] = i;
        }
        // Shuffle locally (by at most 1000 places), as reordering on a real path would.
        for (int i = 0; i < seq.length; i++) {
            int j = Math.min(seq.length - 1, i + r.nextInt(1000));
            long t = seq[i];
            seq[i] = seq[j];
            seq[j] = t;
        }
        int accepted = 0;
        for (long c : seq) {
            if (w.accept(c)) {
                accepted++;
            }
            assertThat(w.accept(c)).isFalse();
        }
        assertThat(accepted).isGreaterThan(19_000);
    }
}
