package io.microlink.magicsock;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.stun.StunMessage;
import io.microlink.wireguard.udp.UdpBatchSocket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class UdpReaderTest {
    private static final InetSocketAddress FROM = new InetSocketAddress("192.0.2.7", 5000);
    private static final byte[] WIREGUARD = {4, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    /** Records what arrives, as "kind:length", and throws for a datagram whose second byte is 0x66. */
    private static final class Recorder implements UdpReader.Receiver {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void stun(byte[] packet) {
            seen.add("stun:" + packet.length);
        }

        @Override
        public void disco(byte[] packet, InetSocketAddress from) {
            seen.add("disco:" + packet.length);
        }

        @Override
        public void wireGuard(byte[] buf, int off, int len, InetSocketAddress from) {
            if (buf[off + 1] == 0x66) {
                throw new IllegalStateException("a bug of ours, triggered by this datagram");
            }
            seen.add("wireguard:" + len);
        }

        @Override
        public void endOfBatch() {
            seen.add("end");
        }
    }

    @Test
    void eachDatagramGoesToItsProtocolStunAndDiscoAsCopies() throws Exception {
        Recorder r = new Recorder();
        UdpReader reader = new UdpReader(null, r, () -> true);
        byte[] stun = StunMessage.bindingRequest(new byte[StunMessage.TX_ID_LENGTH]);
        byte[] disco = new DiscoEndpoint(PrivateKey.generate(KeyKind.DISCO))
                .ping(PrivateKey.generate(KeyKind.DISCO).publicKey(), new byte[12], PrivateKey.generate(KeyKind.NODE).publicKey());
        byte[] buf = new byte[10 + disco.length];
        System.arraycopy(disco, 0, buf, 10, disco.length);

        reader.datagram(stun, 0, stun.length, FROM);
        reader.datagram(buf, 10, disco.length, FROM);
        reader.datagram(WIREGUARD, 0, WIREGUARD.length, FROM);

        assertThat(r.seen).containsExactly("stun:" + stun.length, "disco:" + disco.length, "wireguard:16");
    }

    @Test
    void aDatagramWhoseHandlingThrowsIsDroppedAndTheLoopGoesOn() throws Exception {
        Recorder r = new Recorder();
        try (UdpBatchSocket udp = UdpBatchSocket.open(0, 1 << 20); DatagramSocket peer = new DatagramSocket()) {
            UdpReader reader = new UdpReader(udp, r, () -> true);
            Thread loop = Thread.ofPlatform().daemon().start(reader);
            byte[] poison = WIREGUARD.clone();
            poison[1] = 0x66;
            send(peer, poison, udp.port());
            send(peer, WIREGUARD, udp.port());

            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!r.seen.contains("wireguard:16") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(r.seen).contains("wireguard:16", "end");
            assertThat(reader.dropped()).isEqualTo(1);

            udp.close();
            loop.join(Duration.ofSeconds(5));
            assertThat(loop.isAlive()).as("closing the socket ends the loop").isFalse();
        }
    }

    private static void send(DatagramSocket from, byte[] packet, int port) throws Exception {
        from.send(new DatagramPacket(packet, packet.length, InetAddress.getLoopbackAddress(), port));
    }
}
