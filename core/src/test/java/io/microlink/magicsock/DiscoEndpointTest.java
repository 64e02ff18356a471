package io.microlink.magicsock;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.disco.DiscoMessage;
import io.microlink.disco.DiscoPacket;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class DiscoEndpointTest {
    private final PrivateKey aliceDisco = PrivateKey.generate(KeyKind.DISCO);
    private final PrivateKey bobDisco = PrivateKey.generate(KeyKind.DISCO);
    private final DiscoEndpoint alice = new DiscoEndpoint(aliceDisco);
    private final DiscoEndpoint bob = new DiscoEndpoint(bobDisco);
    private final byte[] tx = "abcdefghijkl".getBytes();

    @Test
    void aPingFromAPeerIsAnsweredWithWhereItCameFromAndThePongIsRecognised() throws Exception {
        byte[] ping = alice.ping(bobDisco.publicKey(), tx, PrivateKey.generate(KeyKind.NODE).publicKey());
        InetSocketAddress seen = new InetSocketAddress("127.0.0.1", 41641);

        var reply = (DiscoEndpoint.Reply) bob.handle(ping, seen, k -> k.equals(aliceDisco.publicKey()));
        DiscoMessage.Pong pong = (DiscoMessage.Pong) DiscoPacket.open(aliceDisco, reply.packet()).message();
        assertThat(pong.source()).isEqualTo(seen);

        var received = (DiscoEndpoint.PongReceived) alice.handle(reply.packet(), DiscoEndpoint.derpPath(999),
                k -> k.equals(bobDisco.publicKey()));
        assertThat(received.txId()).isEqualTo(tx);
        assertThat(received.sender()).isEqualTo(bobDisco.publicKey());
    }

    @Test
    void strangersAndGarbageAreIgnored() throws Exception {
        byte[] ping = alice.ping(bobDisco.publicKey(), tx, PrivateKey.generate(KeyKind.NODE).publicKey());
        assertThat(bob.handle(ping, DiscoEndpoint.derpPath(1), k -> false)).isInstanceOf(DiscoEndpoint.Ignored.class);
        ping[ping.length - 1] ^= 1;
        assertThat(bob.handle(ping, DiscoEndpoint.derpPath(1), k -> true)).isInstanceOf(DiscoEndpoint.Ignored.class);
    }

    @Test
    void theBoxCacheIsBounded() throws Exception {
        var node = PrivateKey.generate(KeyKind.NODE).publicKey();
        for (int i = 0; i < DiscoEndpoint.MAX_CACHED_BOXES + 10; i++) {
            alice.ping(PrivateKey.generate(KeyKind.DISCO).publicKey(), tx, node);
        }
        assertThat(alice.cachedBoxes()).isEqualTo(DiscoEndpoint.MAX_CACHED_BOXES);
    }
}
