package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The timers of whitepaper §6 on a fake clock. */
class TimersTest {
    private static Wire established() {
        Wire w = new Wire();
        w.sendFromA(100);
        w.pump();
        assertThat(w.bAtA.handshakesCompleted()).isEqualTo(1);
        w.deliveredAtB.clear();
        return w;
    }

    private static void advanceAndTick(Wire w, Duration d) {
        w.clock.advance(d);
        w.a.tick(w.netA);
        w.b.tick(w.netB);
    }

    private static long initiationsInFlight(Wire w) {
        return w.inFlight.stream().filter(d -> d.type() == 1).count();
    }

    @Test
    void initiatorRekeysAfterRekeyAfterTimeOnSend() {
        Wire w = established();
        w.clock.advance(Duration.ofSeconds(119));
        w.sendFromA(100);
        assertThat(initiationsInFlight(w)).isZero();
        w.pump();
        w.clock.advance(Duration.ofSeconds(2));
        w.sendFromA(100);
        assertThat(initiationsInFlight(w)).isEqualTo(1);
        w.pump();
        assertThat(w.bAtA.handshakesCompleted()).isEqualTo(2);
        assertThat(w.deliveredAtB).hasSize(2);
    }

    @Test
    void responderDoesNotRekeyOnTimeWhenSending() {
        Wire w = established();
        w.sendFromB(100);
        w.pump();
        w.clock.advance(Duration.ofSeconds(130));
        w.sendFromB(100);
        assertThat(initiationsInFlight(w)).isZero();
    }

    @Test
    void keysPastRejectAfterTimeAreNeitherUsedNorAccepted() {
        Wire w = established();
        w.sendFromA(100);
        Wire.Datagram old = w.inFlight.poll();
        w.clock.advance(Duration.ofSeconds(181));
        w.deliver(old);
        assertThat(w.b.counters().get(Counters.Event.DROPPED_EXPIRED_KEY)).isEqualTo(1);
        w.sendFromA(100);
        // Not encrypted with the dead key: queued, and a handshake goes out instead.
        assertThat(w.inFlight).singleElement().satisfies(d -> assertThat(d.type()).isEqualTo(1));
        w.pump();
        assertThat(w.deliveredAtB).hasSize(1);
    }

    @Test
    void lostInitiationIsRetriedAfterRekeyTimeoutWithJitterThenGivenUp() {
        Wire w = new Wire();
        w.sendFromA(100);
        w.inFlight.clear();
        advanceAndTick(w, Duration.ofMillis(4900));
        assertThat(w.inFlight).isEmpty();
        advanceAndTick(w, Duration.ofMillis(440)); // 5 s + at most 334 ms of jitter
        assertThat(initiationsInFlight(w)).isEqualTo(1);
        int total = 1;
        for (int i = 0; i < 40; i++) {
            w.inFlight.clear();
            advanceAndTick(w, Duration.ofMillis(5400));
            total += (int) initiationsInFlight(w);
        }
        // wireguard-go's rule: RekeyAttemptTime / RekeyTimeout + 1 = 19 retries, then silence.
        assertThat(total).isEqualTo(19);
        // The packet that waited is gone with the attempt: a later handshake delivers nothing old.
        w.inFlight.clear();
        w.sendFromA(60);
        w.pump();
        assertThat(w.deliveredAtB).singleElement().satisfies(p -> assertThat(p).hasSize(60));
    }

    @Test
    void receiverWithNothingToSendAnswersWithAKeepaliveAfterKeepaliveTimeout() {
        Wire w = established();
        advanceAndTick(w, Duration.ofSeconds(1)); // B's keepalive for A's first data packet is due at 10 s
        w.pump();
        w.inFlight.clear();
        advanceAndTick(w, Duration.ofSeconds(10));
        assertThat(w.inFlight).singleElement().satisfies(d -> {
            assertThat(d.from()).isEqualTo(Wire.ADDR_B);
            assertThat(d.bytes()).hasSize(32);
        });
        w.pump();
        assertThat(w.a.counters().get(Counters.Event.KEEPALIVES_RECEIVED)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void senderWithoutAnyAnswerStartsANewHandshakeAfterKeepalivePlusRekeyTimeout() {
        Wire w = established();
        advanceAndTick(w, Duration.ofSeconds(11)); // B's keepalive answers A's first packet
        w.pump();
        w.sendFromA(100);
        w.inFlight.clear(); // B never hears it, so never answers
        advanceAndTick(w, Duration.ofSeconds(14));
        assertThat(initiationsInFlight(w)).isZero();
        advanceAndTick(w, Duration.ofSeconds(2));
        assertThat(initiationsInFlight(w)).isEqualTo(1);
    }

    @Test
    void keyMaterialIsZeroedAfterThreeTimesRejectAfterTime() {
        Wire w = established();
        assertThat(w.bAtA.hasSession()).isTrue();
        int indices = w.a.indexTableSize();
        assertThat(indices).isEqualTo(1);
        advanceAndTick(w, Duration.ofSeconds(539));
        assertThat(w.bAtA.hasSession()).isTrue();
        advanceAndTick(w, Duration.ofSeconds(2));
        assertThat(w.bAtA.hasSession()).isFalse();
        assertThat(w.a.indexTableSize()).isZero();
    }

    @Test
    void persistentKeepaliveSendsOnSchedule() {
        Wire w = new Wire();
        w.a.removePeer(w.bAtA);
        Peer withKeepalive = w.a.addPeer(new PeerSpec(w.b.publicKey(), null, Wire.ADDR_B, 25, false));
        w.a.allowedIps().insert(Wire.ip("10.0.0.2"), 32, withKeepalive);
        advanceAndTick(w, Duration.ofMillis(100));
        // With no session yet, the first keepalive starts the handshake.
        assertThat(initiationsInFlight(w)).isEqualTo(1);
        w.pump();
        w.inFlight.clear();
        advanceAndTick(w, Duration.ofSeconds(24));
        assertThat(w.inFlight.stream().filter(d -> d.from().equals(Wire.ADDR_A))).isEmpty();
        advanceAndTick(w, Duration.ofSeconds(2));
        assertThat(w.inFlight.stream().filter(d -> d.from().equals(Wire.ADDR_A) && d.bytes().length == 32)).hasSize(1);
    }

    @Test
    void rekeyAfterMessagesAndRejectAfterMessagesCountSentPackets() {
        TimerSettings d = TimerSettings.DEFAULT;
        TimerSettings small = new TimerSettings(d.rekeyAfterTime(), d.rejectAfterTime(), d.rekeyAttemptTime(),
                d.rekeyTimeout(), d.rekeyTimeoutJitter(), d.keepaliveTimeout(), 5, 8);
        Wire w = new Wire(EngineSettings.DEFAULT.withTimers(small), null);
        w.sendFromA(60); // counter 0
        w.pump();
        for (int i = 1; i < 5; i++) {
            w.sendFromA(60);
        }
        assertThat(initiationsInFlight(w)).isZero();
        w.sendFromA(60); // counter 5 = rekey-after-messages: sent, then a rekey starts
        assertThat(initiationsInFlight(w)).isEqualTo(1);
        w.inFlight.clear(); // the rekey is lost, so the old key keeps counting
        w.sendFromA(60);
        w.sendFromA(60); // counters 6 and 7
        assertThat(w.inFlight).hasSize(2).allSatisfy(dg -> assertThat(dg.type()).isEqualTo(4));
        w.inFlight.clear();
        w.sendFromA(60); // counter 8 = reject-after-messages: not sent with this key
        assertThat(w.inFlight).isEmpty();
        w.clock.advance(Duration.ofSeconds(6));
        w.sendFromA(60);
        assertThat(initiationsInFlight(w)).isEqualTo(1);
        w.pump();
        assertThat(w.bAtA.handshakesCompleted()).isEqualTo(2);
    }

    @Test
    void receivedCountersAtRejectAfterMessagesAreDropped() {
        TimerSettings d = TimerSettings.DEFAULT;
        TimerSettings small = new TimerSettings(d.rekeyAfterTime(), d.rejectAfterTime(), d.rekeyAttemptTime(),
                d.rekeyTimeout(), d.rekeyTimeoutJitter(), d.keepaliveTimeout(), 5, 8);
        Wire w = new Wire(EngineSettings.DEFAULT.withTimers(small), null);
        w.sendFromA(60);
        w.pump();
        w.sendFromA(60);
        byte[] msg = w.inFlight.poll().bytes();
        msg[io.microlink.wireguard.noise.Protocol.TRANSPORT_COUNTER] = 8;
        w.deliver(new Wire.Datagram(Wire.ADDR_A, Wire.ADDR_B, msg));
        assertThat(w.b.counters().get(Counters.Event.DROPPED_EXPIRED_KEY)).isEqualTo(1);
    }
}
