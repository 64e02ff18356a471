package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.crypto.X25519;
import java.lang.ref.Reference;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A tailnet node gives its engine a peer for every netmap node, thousands of them, of which
 * few ever exchange a packet: such a peer must cost a few hundred bytes, and still answer a
 * handshake the moment one arrives.
 */
class PeerFootprintTest {
    private static final int PEERS = 2000;

    @Test
    void aPeerThatNeverTalksCostsAFewHundredBytes() {
        Engine engine = new Engine(X25519.generatePrivateKey(), EngineSettings.DEFAULT, new FakeClock());
        SecureRandom random = new SecureRandom();
        PeerSpec[] specs = new PeerSpec[PEERS + 100];
        for (int i = 0; i < specs.length; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            specs[i] = new PeerSpec(key, null, Wire.ADDR_B, 0, false);
        }
        for (int i = PEERS; i < specs.length; i++) {
            engine.addPeer(specs[i]); // loads the classes first, so only the peers are counted below
        }
        long before = liveHeap();
        for (int i = 0; i < PEERS; i++) {
            engine.addPeer(specs[i]);
        }
        long perPeer = (liveHeap() - before) / PEERS;
        Reference.reachabilityFence(engine);

        // About 250 bytes now (the peer, its key, the engine's map entry); with the handshake
        // state, cookie keys, timers, queue and counters built up front it was about 1,000.
        assertThat(perPeer).isLessThan(500);
    }

    /** Heap in use after collections, so what remains is what is reachable. */
    static long liveHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
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
