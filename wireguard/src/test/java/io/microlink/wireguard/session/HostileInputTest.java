package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.wireguard.LogCapture;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Malformed, truncated, unknown and forged datagrams are counted and dropped, never thrown. */
class HostileInputTest {
    @Test
    void everyTruncationOfEveryMessageTypeIsDroppedQuietly() {
        Wire w = new Wire();
        w.sendFromA(100);
        byte[] initiation = w.inFlight.peek().bytes();
        w.pump();
        w.deliveredAtB.clear();
        w.sendFromA(300);
        byte[] data = w.inFlight.poll().bytes();
        for (byte[] msg : new byte[][] {initiation, data}) {
            for (int len = 0; len < msg.length; len++) {
                w.b.receive(msg.clone(), 0, len, Wire.ADDR_A, w.netB);
            }
        }
        w.b.receive(new byte[] {9, 0, 0, 0, 1, 2, 3}, 0, 7, Wire.ADDR_A, w.netB);
        w.b.receive(new byte[] {1, 1, 0, 0}, 0, 4, Wire.ADDR_A, w.netB);
        Counters c = w.b.counters();
        assertThat(c.get(Counters.Event.DROPPED_UNKNOWN_TYPE)).isEqualTo(1);
        assertThat(c.get(Counters.Event.DROPPED_MALFORMED)).isGreaterThan(100);
        assertThat(w.deliveredAtB).isEmpty();
    }

    @Test
    void randomGarbageWithValidLookingHeadersNeverThrowsOrDelivers() {
        Wire w = new Wire();
        w.sendFromA(100);
        w.pump();
        int delivered = w.deliveredAtB.size();
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(0, 200)];
            r.nextBytes(b);
            if (b.length >= 4) {
                b[0] = (byte) r.nextInt(0, 6);
                b[1] = b[2] = b[3] = 0;
            }
            w.b.receive(b, 0, b.length, Wire.ADDR_A, w.netB);
        }
        assertThat(w.deliveredAtB).hasSize(delivered);
        assertThat(w.b.counters().snapshot().values().stream().mapToLong(Long::longValue).sum()).isGreaterThan(19_000);
    }

    @Test
    void aDatagramWhoseHandlingThrowsIsCountedLoggedOncePerIntervalAndTheNextGetsThrough() {
        Wire w = new Wire();
        w.sendFromA(100);
        w.pump();
        w.deliveredAtB.clear();
        Network broken = new Network() {
            @Override
            public void send(Endpoint to, byte[] buf, int off, int len) {
                w.netB.send(to, buf, off, len);
            }

            @Override
            public void deliver(byte[] buf, int off, int len) {
                throw new IllegalStateException("a bug of ours below the engine");
            }
        };
        long malformedBefore = w.b.counters().get(Counters.Event.DROPPED_MALFORMED);
        try (LogCapture log = LogCapture.of(Inbound.class.getName())) {
            for (int i = 0; i < 1000; i++) {
                w.sendFromA(100);
                byte[] d = w.inFlight.poll().bytes();
                w.b.receive(d, 0, d.length, Wire.ADDR_A, broken);
            }
            w.sendFromA(100);
            w.pump();
            assertThat(log.warnings()).hasSize(1);
            assertThat(log.warnings().getFirst()).startsWith("dropped 1 WireGuard datagram(s)");
        }
        assertThat(w.deliveredAtB).hasSize(1);
        assertThat(w.b.counters().get(Counters.Event.DROPPED_MALFORMED) - malformedBefore).isEqualTo(1000);
    }

    @Test
    void repeatedInitiationsFromAKnownPeerKeepTheIndexTableBounded() {
        Wire w = new Wire();
        for (int i = 0; i < 500; i++) {
            w.clock.advance(Duration.ofMillis(25)); // above the 20 ms per-peer initiation floor
            w.bAtA.dropSessions();
            w.sendFromA(60);
            w.pump();
        }
        // B holds previous/current/next keypairs at most; A the same plus one handshake.
        assertThat(w.b.indexTableSize()).isLessThanOrEqualTo(3);
        assertThat(w.a.indexTableSize()).isLessThanOrEqualTo(4);
        assertThat(w.aAtB.handshakesCompleted()).isEqualTo(500);
    }

    @Test
    void initiationsFasterThanTwentyMillisecondsPerPeerAreDropped() {
        Wire w = new Wire();
        w.sendFromA(60);
        w.pump();
        w.clock.advance(Duration.ofMillis(5));
        w.bAtA.dropSessions();
        w.sendFromA(60);
        w.pump();
        assertThat(w.b.counters().get(Counters.Event.DROPPED_INITIATION_FLOOD)).isEqualTo(1);
    }
}
