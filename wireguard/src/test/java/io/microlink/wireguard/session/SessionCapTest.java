package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.crypto.X25519;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session cap evicts the least recently used peer, never the priority peer. */
class SessionCapTest {
    /** A hub engine and several spokes, each its own engine, on one in-memory network. */
    static final class Star {
        final FakeClock clock = new FakeClock();
        final Engine hub;
        final List<Engine> spokes = new ArrayList<>();
        final List<Peer> spokeAtHub = new ArrayList<>();
        final java.util.ArrayDeque<Object[]> queue = new java.util.ArrayDeque<>();

        Star(int spokeCount, int maxSessions, int priorityIndex) {
            byte[] hubKey = X25519.generatePrivateKey();
            hub = new Engine(hubKey, EngineSettings.DEFAULT.withMaxSessions(maxSessions), clock);
            for (int i = 0; i < spokeCount; i++) {
                byte[] k = X25519.generatePrivateKey();
                Engine s = new Engine(k, EngineSettings.DEFAULT, clock);
                Peer hubAtSpoke = s.addPeer(new PeerSpec(X25519.publicKey(hubKey), null, addr(0), 0, false));
                s.allowedIps().insert(Wire.ip("10.0.0.1"), 32, hubAtSpoke);
                spokes.add(s);
                Peer p = hub.addPeer(new PeerSpec(X25519.publicKey(k), null, null, 0, i == priorityIndex));
                hub.allowedIps().insert(Wire.ip("10.0.1." + (i + 1)), 32, p);
                spokeAtHub.add(p);
            }
        }

        static UdpEndpoint addr(int i) {
            return Wire.udp("192.0.2." + (i + 1), 51820);
        }

        Network net(int i) {
            return new Network() {
                @Override
                public void send(Endpoint to, byte[] buf, int off, int len) {
                    queue.add(new Object[] {addr(i), to, java.util.Arrays.copyOfRange(buf, off, off + len)});
                }

                @Override
                public void deliver(byte[] buf, int off, int len) {}
            };
        }

        void pump() {
            while (!queue.isEmpty()) {
                Object[] d = queue.poll();
                UdpEndpoint from = (UdpEndpoint) d[0], to = (UdpEndpoint) d[1];
                byte[] b = (byte[]) d[2];
                int target = Integer.parseInt(to.address().getAddress().getHostAddress().split("\\.")[3]) - 1;
                Engine e = target == 0 ? hub : spokes.get(target - 1);
                e.receive(b, 0, b.length, from, net(target));
            }
        }

        /** Spoke i sends one packet to the hub (handshaking first if needed). */
        void talk(int i) {
            clock.advance(Duration.ofMillis(50));
            Wire.send(spokes.get(i), net(i + 1), Wire.ipv4("10.0.1." + (i + 1), "10.0.0.1", 60));
            pump();
        }
    }

    @Test
    void leastRecentlyUsedPeerLosesItsSessionWhenTheCapIsReached() {
        Star s = new Star(4, 2, -1);
        s.talk(0);
        s.talk(1);
        s.talk(0); // spoke 1 is now the least recently used
        s.talk(2);
        assertThat(s.hub.activeSessionCount()).isEqualTo(2);
        assertThat(s.spokeAtHub.get(1).hasSession()).isFalse();
        assertThat(s.spokeAtHub.get(0).hasSession()).isTrue();
        assertThat(s.spokeAtHub.get(2).hasSession()).isTrue();
        assertThat(s.hub.counters().get(Counters.Event.SESSIONS_EVICTED)).isEqualTo(1);
    }

    @Test
    void priorityPeerIsNeverEvictedEvenWhenLeastRecentlyUsed() {
        Star s = new Star(4, 2, 0);
        s.talk(0);
        for (int i = 1; i < 4; i++) {
            s.talk(i);
            assertThat(s.spokeAtHub.getFirst().hasSession()).isTrue();
            assertThat(s.hub.activeSessionCount()).isLessThanOrEqualTo(2);
        }
        assertThat(s.spokeAtHub.get(3).hasSession()).isTrue();
        assertThat(s.hub.indexTableSize()).isLessThanOrEqualTo(2 * 4);
    }
}
