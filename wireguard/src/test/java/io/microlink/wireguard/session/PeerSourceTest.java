package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.crypto.X25519;
import io.microlink.wireguard.noise.Protocol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An engine whose peers a {@link PeerSource} makes on first need: a handshake from a key it has
 * no peer for, a packet to an address no peer routes. Without the source both are dropped.
 */
class PeerSourceTest {
    private final byte[] privA = X25519.generatePrivateKey();
    private final byte[] privB = X25519.generatePrivateKey();
    private final List<byte[]> toA = new ArrayList<>();
    private final List<byte[]> toB = new ArrayList<>();
    private final List<byte[]> deliveredAtB = new ArrayList<>();
    private final List<String> asked = new ArrayList<>();

    /** B's source: knows A's key and that 10.0.0.1 is A's; makes A (with its route) when asked. */
    private final class Directory implements PeerSource {
        Engine engine;

        @Override
        public Peer forKey(byte[] publicKey) {
            asked.add("key");
            return Arrays.equals(publicKey, X25519.publicKey(privA)) ? makeA() : null;
        }

        @Override
        public Peer forDestination(byte[] buf, int addressOffset, int addressLength) {
            asked.add("destination");
            return addressLength == 4 && buf[addressOffset] == 10 && buf[addressOffset + 3] == 1 ? makeA() : null;
        }

        private Peer makeA() {
            Peer a = engine.addPeer(new PeerSpec(X25519.publicKey(privA), null, Wire.ADDR_A, 0, false));
            engine.allowedIps().insert(Wire.ip("10.0.0.1"), 32, a);
            return a;
        }
    }

    private final Network netA = network(toB, new ArrayList<>());
    private final Network netB = network(toA, deliveredAtB);

    @Test
    void aHandshakeFromAKeyTheEngineHasNoPeerForMakesThePeer() {
        Directory directory = new Directory();
        Engine b = new Engine(privB, EngineSettings.DEFAULT, TimeSource.system(), directory);
        directory.engine = b;
        Engine a = engineKnowingB();

        Wire.send(a, netA, Wire.ipv4("10.0.0.1", "10.0.0.2", 100));
        deliverAll(a, b);

        assertThat(asked).containsExactly("key");
        assertThat(b.peers()).hasSize(1);
        assertThat(deliveredAtB).as("A's packet, after the handshake the source made possible").hasSize(1);
    }

    @Test
    void aPacketToAnUnroutedAddressMakesThePeerThatOwnsIt() {
        Directory directory = new Directory();
        Engine b = new Engine(privB, EngineSettings.DEFAULT, TimeSource.system(), directory);
        directory.engine = b;

        Wire.send(b, netB, Wire.ipv4("10.0.0.2", "10.0.0.1", 100));
        Wire.send(b, netB, Wire.ipv4("10.0.0.2", "10.0.0.9", 100));

        assertThat(asked).containsExactly("destination", "destination");
        assertThat(b.peers()).hasSize(1);
        assertThat(toA).singleElement().satisfies(m -> assertThat(m[0]).as("an initiation to the new peer")
                .isEqualTo((byte) Protocol.TYPE_INITIATION));
        assertThat(b.counters().get(Counters.Event.DROPPED_NO_ROUTE)).as("10.0.0.9: nobody's").isEqualTo(1);
    }

    @Test
    void withoutASourceBothAreDropped() {
        Engine b = new Engine(privB, EngineSettings.DEFAULT, TimeSource.system());
        Engine a = engineKnowingB();

        Wire.send(a, netA, Wire.ipv4("10.0.0.1", "10.0.0.2", 100));
        deliverAll(a, b);
        Wire.send(b, netB, Wire.ipv4("10.0.0.2", "10.0.0.1", 100));

        assertThat(b.peers()).isEmpty();
        assertThat(b.counters().get(Counters.Event.DROPPED_UNKNOWN_PEER)).isEqualTo(1);
        assertThat(b.counters().get(Counters.Event.DROPPED_NO_ROUTE)).isEqualTo(1);
    }

    private Engine engineKnowingB() {
        Engine a = new Engine(privA, EngineSettings.DEFAULT, TimeSource.system());
        Peer b = a.addPeer(new PeerSpec(X25519.publicKey(privB), null, Wire.ADDR_B, 0, false));
        a.allowedIps().insert(Wire.ip("10.0.0.2"), 32, b);
        return a;
    }

    /** Delivers datagrams both ways until none is left. */
    private void deliverAll(Engine a, Engine b) {
        while (!toA.isEmpty() || !toB.isEmpty()) {
            for (byte[] m : drain(toB)) {
                b.receive(m, 0, m.length, Wire.ADDR_A, netB);
            }
            for (byte[] m : drain(toA)) {
                a.receive(m, 0, m.length, Wire.ADDR_B, netA);
            }
        }
    }

    private static List<byte[]> drain(List<byte[]> queue) {
        List<byte[]> all = List.copyOf(queue);
        queue.clear();
        return all;
    }

    private static Network network(List<byte[]> sent, List<byte[]> delivered) {
        return new Network() {
            @Override
            public void send(Endpoint to, byte[] buf, int off, int len) {
                sent.add(Arrays.copyOfRange(buf, off, off + len));
            }

            @Override
            public void deliver(byte[] buf, int off, int len) {
                delivered.add(Arrays.copyOfRange(buf, off, off + len));
            }
        };
    }
}
