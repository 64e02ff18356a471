package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.crypto.X25519;
import java.lang.reflect.Field;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tailnet node gives its engine a peer for every netmap node, thousands of them, of which
 * few ever exchange a packet: such a peer must cost a few hundred bytes, and still answer a
 * handshake the moment one arrives.
 */
class PeerFootprintTest {
    /** What a peer builds on first use; a peer nobody talks to has none of it. */
    private static final List<String> BUILT_ON_FIRST_USE = List.of("handshake", "cookies", "timers", "staged");

    /**
     * The structure, not a heap figure: a unit test's heap reading moves with whatever else the
     * JVM allocates (it read 566 bytes a peer once in CI against 250 in a quiet run). The bytes
     * a peer costs are measured by the netmap benchmark (docs/benchmarks.md).
     */
    @Test
    void aPeerThatNeverTalksHoldsNoHandshakeCookieTimerOrQueueState() throws Exception {
        FakeClock clock = new FakeClock();
        Engine engine = new Engine(X25519.generatePrivateKey(), EngineSettings.DEFAULT, clock);
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            peers.add(engine.addPeer(new PeerSpec(key, null, Wire.ADDR_B, 0, false)));
        }
        Wire w = new Wire();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(10));
            engine.tick(w.netA); // the timer thread visits every peer; it must build nothing
        }
        for (String name : BUILT_ON_FIRST_USE) {
            Field field = Peer.class.getDeclaredField(name);
            field.setAccessible(true);
            for (Peer p : peers) {
                assertThat(field.get(p)).as("%s of a peer that never talked", name).isNull();
            }
        }
    }

    @Test
    void aPeerNeverUsedBeforeAnswersTheHandshakeThatArrivesForIt() {
        Wire w = new Wire();
        for (int i = 0; i < 100; i++) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            w.b.addPeer(new PeerSpec(key, null, Wire.ADDR_A, 0, false));
        }
        w.clock.advance(Duration.ofSeconds(1));
        w.b.tick(w.netB);

        w.sendFromA(100); // A's initiation reaches a peer B has never used
        w.pump();

        assertThat(w.deliveredAtB).hasSize(1);
        assertThat(w.aAtB.handshakesCompleted()).isEqualTo(1);
        assertThat(w.b.activeSessionCount()).isEqualTo(1);
    }
}
