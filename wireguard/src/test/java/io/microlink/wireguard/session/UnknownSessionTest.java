package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * B restarts and A does not: A's data arrives for a session B no longer has. Plain WireGuard
 * leaves A sending into the void until its own timer rehandshakes (keepalive + rekey timeout,
 * 15 s); a runtime that vouches for the sender (magicsock: DERP's source key, a proven address)
 * lets B handshake at once.
 */
class UnknownSessionTest {
    private final Wire w = new Wire();
    private Peer aAtRestartedB;

    /** A and B with a session, then B as after a restart: same keys, no sessions. */
    private void sessionThenRestartB() {
        w.sendFromA(100);
        w.pump();
        assertThat(w.deliveredAtB).hasSize(1);
        w.b.removePeer(w.aAtB);
        aAtRestartedB = w.b.addPeer(new PeerSpec(w.a.publicKey(), null, Wire.ADDR_A, 0, false));
        w.b.allowedIps().insert(Wire.ip("10.0.0.1"), 32, aAtRestartedB);
        w.deliveredAtB.clear();
    }

    /** Delivers everything in flight, B's datagrams from A as from a peer the runtime vouches for. */
    private void pumpVouched() {
        for (int i = 0; i < 100 && !w.inFlight.isEmpty(); i++) {
            Wire.Datagram d = w.inFlight.poll();
            byte[] copy = d.bytes().clone();
            if (d.to().equals(Wire.ADDR_B)) {
                w.b.receive(aAtRestartedB, copy, 0, copy.length, d.from(), w.netB);
            } else {
                w.a.receive(copy, 0, copy.length, d.from(), w.netA);
            }
        }
    }

    private long count(Engine e, Counters.Event event) {
        return e.counters().get(event);
    }

    @Test
    void dataForALostSessionFromAVouchedPeerStartsAHandshakeAndTheNextPacketGetsThrough() {
        sessionThenRestartB();
        w.sendFromA(100);
        pumpVouched();
        assertThat(count(w.b, Counters.Event.DROPPED_UNKNOWN_INDEX)).isEqualTo(1);
        assertThat(count(w.b, Counters.Event.HANDSHAKES_FOR_UNKNOWN_SESSION)).isEqualTo(1);
        assertThat(aAtRestartedB.hasSession()).isTrue();
        // No time passed: A took B's new session on B's keepalive, not on a timer.
        w.sendFromA(120);
        pumpVouched();
        assertThat(w.deliveredAtB).singleElement().satisfies(p -> assertThat(p).isEqualTo(Wire.ipv4("10.0.0.1", "10.0.0.2", 120)));
    }

    @Test
    void dataForALostSessionFromAnUnvouchedSourceStartsNothing() {
        sessionThenRestartB();
        w.sendFromA(100);
        w.pump();
        assertThat(count(w.b, Counters.Event.DROPPED_UNKNOWN_INDEX)).isEqualTo(1);
        assertThat(count(w.b, Counters.Event.HANDSHAKES_FOR_UNKNOWN_SESSION)).isZero();
        assertThat(aAtRestartedB.hasSession()).isFalse();
        assertThat(w.inFlight).isEmpty();
    }

    @Test
    void staleOrReplayedDataStartsAtMostOneHandshakePerRekeyTimeout() {
        sessionThenRestartB();
        w.sendFromA(100);
        Wire.Datagram stale = w.inFlight.peek();
        pumpVouched();
        assertThat(count(w.b, Counters.Event.HANDSHAKES_FOR_UNKNOWN_SESSION)).isEqualTo(1);
        for (int i = 0; i < 50; i++) {
            byte[] copy = stale.bytes().clone();
            w.b.receive(aAtRestartedB, copy, 0, copy.length, stale.from(), w.netB);
        }
        w.clock.advance(Duration.ofSeconds(4));
        byte[] copy = stale.bytes().clone();
        w.b.receive(aAtRestartedB, copy, 0, copy.length, stale.from(), w.netB);
        assertThat(count(w.b, Counters.Event.HANDSHAKES_FOR_UNKNOWN_SESSION)).isEqualTo(1);
        assertThat(w.inFlight).as("no initiation sent for the replays").isEmpty();
        w.clock.advance(Duration.ofSeconds(2));
        copy = stale.bytes().clone();
        w.b.receive(aAtRestartedB, copy, 0, copy.length, stale.from(), w.netB);
        assertThat(count(w.b, Counters.Event.HANDSHAKES_FOR_UNKNOWN_SESSION)).isEqualTo(2);
    }
}
