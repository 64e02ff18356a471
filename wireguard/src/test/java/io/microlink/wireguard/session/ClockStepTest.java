package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The wall clock stepped under a running engine, as NTP, a VM resume or an admin does. Timers
 * and key lifetimes run on monotonic time and must not notice; only the handshake timestamp
 * reads the wall clock, and a step back must not make the peer refuse this node's handshakes.
 */
class ClockStepTest {
    private static final Duration PAST_REKEY_AFTER_TIME = Duration.ofSeconds(121);

    private static Wire established() {
        Wire w = new Wire();
        w.sendFromA(100);
        w.pump();
        assertThat(w.bAtA.handshakesCompleted()).isEqualTo(1);
        w.deliveredAtA.clear();
        w.deliveredAtB.clear();
        return w;
    }

    /** Data both ways, then the link runs until quiet. */
    private static void exchange(Wire w) {
        w.sendFromA(100);
        w.sendFromB(100);
        w.pump();
    }

    @Test
    void aStepForwardNeitherExpiresTheSessionNorStopsTheNextHandshake() {
        Wire w = established();
        w.clock.stepWall(Duration.ofDays(365));
        w.clock.advance(Duration.ofSeconds(10));
        exchange(w);
        assertThat(w.deliveredAtB).hasSize(1);
        assertThat(w.deliveredAtA).hasSize(1);
        assertThat(w.bAtA.handshakesCompleted()).as("no early rekey").isEqualTo(1);

        w.clock.advance(PAST_REKEY_AFTER_TIME);
        exchange(w);
        assertThat(w.bAtA.handshakesCompleted()).as("the rekey, timestamped a year ahead").isEqualTo(2);
        assertThat(w.deliveredAtB).hasSize(2);
    }

    @Test
    void aStepBackKeepsTheSessionOnMonotonicTime() {
        Wire w = established();
        w.clock.stepWall(Duration.ofHours(-1));
        for (int i = 0; i < 11; i++) { // to 110 s: short of rekey, far past any wall-clock deadline
            w.clock.advance(Duration.ofSeconds(10));
            w.a.tick(w.netA);
            w.b.tick(w.netB);
            exchange(w);
        }
        assertThat(w.deliveredAtB).hasSize(11);
        assertThat(w.deliveredAtA).hasSize(11);
        assertThat(w.bAtA.handshakesCompleted()).isEqualTo(1);
        assertThat(w.b.counters().get(Counters.Event.DROPPED_EXPIRED_KEY)).isZero();
    }

    @Test
    void aStepBackDoesNotMakeThePeerRefuseTheNextHandshake() {
        Wire w = established();
        w.clock.stepWall(Duration.ofHours(-1));
        w.clock.advance(PAST_REKEY_AFTER_TIME);
        exchange(w);
        // B saw A's first initiation an hour "later" than A's clock now reads. Were A to stamp
        // the rekey with that clock, B would take it for a replay, and once the old keys expire
        // nothing would pass A -> B until the clock caught up.
        assertThat(w.b.counters().get(Counters.Event.DROPPED_INITIATION_REPLAY)).isZero();
        assertThat(w.bAtA.handshakesCompleted()).isEqualTo(2);

        w.clock.advance(Duration.ofSeconds(181)); // the first session's keys are dead now
        w.sendFromA(100);
        w.pump();
        assertThat(w.deliveredAtB).hasSize(2);
    }
}
