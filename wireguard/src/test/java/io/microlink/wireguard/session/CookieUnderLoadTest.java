package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Whitepaper §5.3: cookies only under load, mac2 then admits, and load passes. */
class CookieUnderLoadTest {
    private static EngineSettings threshold(int n) {
        return EngineSettings.DEFAULT.withUnderLoadThreshold(n);
    }

    @Test
    void withoutLoadNoCookieIsDemanded() {
        Wire w = new Wire(threshold(5), null);
        w.sendFromA(100);
        w.pump();
        assertThat(w.deliveredAtB).hasSize(1);
        assertThat(w.b.counters().get(Counters.Event.COOKIE_REPLIES_SENT)).isZero();
    }

    @Test
    void underLoadAnInitiationWithoutMac2GetsACookieAndTheRetryWithMac2Succeeds() {
        Wire w = new Wire(threshold(2), null);
        w.sendFromA(100);
        byte[] initiation = w.inFlight.poll().bytes();
        // Push B over its threshold with copies (mac1 valid, so they count as handshake load).
        for (int i = 0; i < 3; i++) {
            w.deliver(new Wire.Datagram(Wire.ADDR_A, Wire.ADDR_B, initiation));
        }
        w.inFlight.clear();
        w.clock.advance(Duration.ofMillis(10));
        w.deliver(new Wire.Datagram(Wire.ADDR_A, Wire.ADDR_B, initiation));
        assertThat(w.inFlight).hasSize(1);
        assertThat(w.inFlight.peek().type()).isEqualTo(3);
        w.pump(); // A takes the cookie
        assertThat(w.a.counters().get(Counters.Event.COOKIES_RECEIVED)).isEqualTo(1);
        // The retransmission (RekeyTimeout later) carries mac2 and is admitted despite the load.
        w.clock.advance(Duration.ofMillis(5400));
        w.a.tick(w.netA);
        Wire.Datagram retry = w.inFlight.poll();
        for (int i = 0; i < 3; i++) { // still under load when the retry arrives
            w.deliver(new Wire.Datagram(Wire.ADDR_A, Wire.ADDR_B, initiation));
        }
        w.inFlight.clear();
        long cookiesBefore = w.b.counters().get(Counters.Event.COOKIE_REPLIES_SENT);
        w.deliver(retry);
        assertThat(w.b.counters().get(Counters.Event.COOKIE_REPLIES_SENT)).isEqualTo(cookiesBefore);
        w.pump();
        assertThat(w.bAtA.handshakesCompleted()).isEqualTo(1);
        assertThat(w.deliveredAtB).hasSize(1);
    }

    @Test
    void cookieFromAnotherAddressDoesNotCount() {
        Wire w = new Wire(threshold(1), null);
        w.sendFromA(100);
        byte[] initiation = w.inFlight.poll().bytes();
        w.deliver(new Wire.Datagram(Wire.ADDR_A, Wire.ADDR_B, initiation));
        w.deliver(new Wire.Datagram(Wire.ADDR_A, Wire.ADDR_B, initiation));
        Wire.Datagram cookie = w.inFlight.pollLast();
        w.inFlight.clear();
        w.deliver(cookie);
        w.clock.advance(Duration.ofMillis(5400));
        w.a.tick(w.netA);
        Wire.Datagram retry = w.inFlight.poll();
        // Keep B under load: the earlier window has passed, so push it over again.
        w.deliver(new Wire.Datagram(Wire.ADDR_A, Wire.ADDR_B, initiation));
        w.deliver(new Wire.Datagram(Wire.ADDR_A, Wire.ADDR_B, initiation));
        w.inFlight.clear();
        var elsewhere = Wire.udp("203.0.113.5", 51820);
        w.deliver(new Wire.Datagram(elsewhere, Wire.ADDR_B, retry.bytes()));
        // mac2 binds the address the cookie was issued to: another source gets a fresh cookie instead.
        assertThat(w.inFlight).singleElement().satisfies(d -> assertThat(d.type()).isEqualTo(3));
        assertThat(w.bAtA.handshakesCompleted()).isZero();
    }

    @Test
    void invalidMac1IsDroppedBeforeAnyWork() {
        Wire w = new Wire();
        w.sendFromA(100);
        byte[] initiation = w.inFlight.poll().bytes();
        initiation[120] ^= 1;
        w.deliver(new Wire.Datagram(Wire.ADDR_A, Wire.ADDR_B, initiation));
        assertThat(w.b.counters().get(Counters.Event.DROPPED_INVALID_MAC1)).isEqualTo(1);
        assertThat(w.inFlight).isEmpty();
    }

    @Test
    void perSourceRateLimitUnderLoadAndItsTableIsBounded() {
        SourceRateLimiter limiter = new SourceRateLimiter(20, 3);
        long now = 0;
        var a = Wire.ip("192.0.2.10");
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (limiter.allow(a, now)) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(20);
        assertThat(limiter.allow(a, now + 100_000_000L)).isTrue(); // 0.1 s refills two tokens
        for (int i = 0; i < 50; i++) {
            limiter.allow(Wire.ip("198.51.100." + i), now);
        }
        assertThat(limiter.size()).isEqualTo(3);
    }
}
