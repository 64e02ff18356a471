package io.microlink.interop.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.crypto.Blake2s;
import io.microlink.interop.Await;
import io.microlink.wireguard.noise.Protocol;
import io.microlink.wireguard.session.Counters.Event;
import io.microlink.wireguard.session.EngineSettings;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Replayed, forged and flooded traffic against the Java engine while wireguard-go is its peer. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AttackTest {
    @TempDir
    Path dir;

    @Test
    void replayedAndForgedCopiesOfRealPacketsAreDroppedAndCounted() throws Exception {
        try (UdpRelay relay = new UdpRelay()) {
            // wireguard-go only ever talks to the relay, and the Java engine learns the relay's
            // inner socket as wireguard-go's endpoint from the first authenticated packet.
            try (Tunnel t = new Tunnel(dir, Tunnel.Initiator.WIREGUARD_GO, EngineSettings.DEFAULT, null,
                    relay.outsidePort())) {
                relay.forwardTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), t.javaPort));
                replayAndForge(t, relay);
            }
        }
    }

    private static void replayAndForge(Tunnel t, UdpRelay relay) throws Exception {
        t.awaitPing(false, t.tunnelJava(), Duration.ofSeconds(20));
        assertThat(t.pingFromJava(t.tunnelGo())).isTrue();
        Await.until(Duration.ofSeconds(10), "a data packet from wireguard-go via the relay",
                () -> relay.lastGoData() != null);
        byte[] real = relay.lastGoData();
        long replays = t.java.engine().counters().get(Event.DROPPED_REPLAY);
        long forgeries = t.java.engine().counters().get(Event.DROPPED_AUTH_FAILED);

        relay.injectToEngine(real);
        byte[] forged = real.clone();
        forged[forged.length - 20] ^= 0x40;
        forged[Protocol.TRANSPORT_COUNTER + 5] = 0x10; // a counter far ahead, so the window passes it
        relay.injectToEngine(forged);

        Await.until(Duration.ofSeconds(10), "both drops to be counted", () ->
                t.java.engine().counters().get(Event.DROPPED_REPLAY) == replays + 1
                        && t.java.engine().counters().get(Event.DROPPED_AUTH_FAILED) == forgeries + 1);
        // The forged counter did not advance the window: real traffic still flows.
        assertThat(t.pingFromGo(t.tunnelJava())).as(t.diagnostics()).isTrue();
    }

    @Test
    void underAnInitiationFloodTheEngineDemandsCookiesAndTheRealPeerStillGetsIn() throws Exception {
        EngineSettings lowThreshold = EngineSettings.DEFAULT.withUnderLoadThreshold(50);
        try (Tunnel t = new Tunnel(dir, Tunnel.Initiator.WIREGUARD_GO, lowThreshold, null)) {
            byte[] mac1Key = Blake2s.hash(Protocol.LABEL_MAC1, t.java.engine().publicKey());
            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            Thread flood = Thread.ofPlatform().start(() -> flood(mac1Key, t.javaPort, flooding, sent));
            try {
                Await.until(Duration.ofSeconds(10), "the engine to go under load",
                        () -> t.java.engine().counters().get(Event.COOKIE_REPLIES_SENT) > 0);
                // wireguard-go's first initiation is answered with a cookie; its retry 5 s later
                // carries mac2 and gets through while the flood goes on.
                t.awaitPing(false, t.tunnelJava(), Duration.ofSeconds(40));
                assertThat(flood.isAlive()).as("still flooding").isTrue();
            } finally {
                flooding.set(false);
                flood.join();
            }
            assertThat(t.goPeer().handshakesCompleted()).as(t.diagnostics()).isGreaterThanOrEqualTo(1);
            assertThat(t.java.engine().counters().get(Event.COOKIE_REPLIES_SENT)).isGreaterThan(100);
            assertThat(sent.get()).isGreaterThan(1000);
            // Bogus initiations leave no state behind: one peer, at most its handshake and keypairs.
            assertThat(t.java.engine().indexTableSize()).isLessThanOrEqualTo(4);
        }
    }

    /**
     * Initiations with a valid mac1 (the attacker knows our public key) and garbage elsewhere,
     * about 10,000 a second: 200 times the load threshold, yet below what would simply fill the
     * socket's receive queue on this machine (a link-saturating flood drops everyone's packets
     * in the kernel, before any protocol can tell them apart).
     */
    private static void flood(byte[] mac1Key, int port, AtomicBoolean flooding, AtomicLong sent) {
        SplittableRandom random = new SplittableRandom(1);
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] msg = new byte[Protocol.INITIATION_SIZE];
            while (flooding.get()) {
                random.nextBytes(msg);
                msg[0] = Protocol.TYPE_INITIATION;
                msg[1] = msg[2] = msg[3] = 0;
                int mac1Off = Protocol.mac1Offset(msg.length);
                byte[] mac1 = Blake2s.mac128(mac1Key, Arrays.copyOf(msg, mac1Off));
                System.arraycopy(mac1, 0, msg, mac1Off, mac1.length);
                Arrays.fill(msg, Protocol.mac2Offset(msg.length), msg.length, (byte) 0);
                s.send(new DatagramPacket(msg, msg.length, target));
                if (sent.incrementAndGet() % 100 == 0) {
                    Thread.sleep(10);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
