package io.microlink.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.crypto.X25519;
import io.microlink.wireguard.session.Engine;
import io.microlink.wireguard.session.EngineSettings;
import io.microlink.wireguard.session.Peer;
import io.microlink.wireguard.session.PeerSpec;
import io.microlink.wireguard.session.TimeSource;
import io.microlink.wireguard.session.UdpEndpoint;
import io.microlink.wireguard.udp.ReceivedDatagrams;
import io.microlink.wireguard.udp.UdpBatchSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A burst of packets read from the TUN device leaves as one batch of datagrams (one flush of
 * the socket, which on Linux is one {@code sendmmsg} with GSO), not a system call per packet:
 * the per-datagram send was most of the LOPOWER bridge's CPU time on a download.
 */
class WireGuardDeviceBatchTest {
    private static final int BURST = 32;

    @Test
    void aBurstFromTheTunDeviceLeavesInOneFlush() throws Exception {
        byte[] keyA = X25519.generatePrivateKey();
        byte[] keyB = X25519.generatePrivateKey();
        Engine a = new Engine(keyA, EngineSettings.DEFAULT, TimeSource.system());
        Engine b = new Engine(keyB, EngineSettings.DEFAULT, TimeSource.system());
        QueueTun tunA = new QueueTun();
        QueueTun tunB = new QueueTun();
        RecordingSocket udpA = new RecordingSocket(UdpBatchSocket.open(0, 1 << 20));
        UdpBatchSocket udpB = UdpBatchSocket.open(0, 1 << 20);
        Peer bOfA = a.addPeer(new PeerSpec(X25519.publicKey(keyB), null, loopback(udpB.port()), 0, false));
        a.allowedIps().insert(InetAddress.getByName("10.0.0.2"), 32, bOfA);
        Peer aOfB = b.addPeer(new PeerSpec(X25519.publicKey(keyA), null, loopback(udpA.port()), 0, false));
        b.allowedIps().insert(InetAddress.getByName("10.0.0.1"), 32, aOfB);
        try (WireGuardDevice devA = WireGuardDevice.run(a, tunA, udpA);
             WireGuardDevice devB = WireGuardDevice.run(b, tunB, udpB)) {
            tunA.fromOs.add(packet(0));
            awaitDelivered(tunB, 1); // the handshake is done
            udpA.tunFlushes.clear();

            List<byte[]> burst = new ArrayList<>();
            for (int i = 1; i <= BURST; i++) {
                burst.add(packet(i));
            }
            tunA.queueBurst(burst);
            awaitDelivered(tunB, 1 + BURST);

            assertThat(udpA.tunFlushes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(BURST);
            // The reader may take the first packet before the rest are queued: two batches at most.
            assertThat(udpA.tunFlushes).hasSizeLessThanOrEqualTo(2);
        }
    }

    private static UdpEndpoint loopback(int port) {
        return new UdpEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    private static void awaitDelivered(QueueTun tun, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (tun.toOs.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(tun.toOs).hasSize(count);
    }

    /** An IPv4 UDP packet from 10.0.0.1 to 10.0.0.2, numbered in its payload. */
    private static byte[] packet(int n) throws Exception {
        byte[] p = new byte[1000];
        p[0] = 0x45;
        p[2] = (byte) (p.length >> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(InetAddress.getByName("10.0.0.1").getAddress(), 0, p, 12, 4);
        System.arraycopy(InetAddress.getByName("10.0.0.2").getAddress(), 0, p, 16, 4);
        p[28] = (byte) n;
        return p;
    }

    /** Counts, for each flush on the TUN reader's thread that sent anything, the datagrams it sent. */
    private static final class RecordingSocket implements UdpBatchSocket {
        final List<Integer> tunFlushes = new CopyOnWriteArrayList<>();
        private final UdpBatchSocket inner;
        private final ThreadLocal<int[]> held = ThreadLocal.withInitial(() -> new int[1]);

        RecordingSocket(UdpBatchSocket inner) {
            this.inner = inner;
        }

        @Override
        public int port() {
            return inner.port();
        }

        @Override
        public ReceivedDatagrams receive() throws IOException {
            return inner.receive();
        }

        @Override
        public void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
            held.get()[0]++;
            inner.send(buf, off, len, to);
        }

        @Override
        public void flush() throws IOException {
            int n = held.get()[0];
            held.get()[0] = 0;
            if (n > 0 && Thread.currentThread().getName().startsWith("wg-tun-")) {
                tunFlushes.add(n);
            }
            inner.flush();
        }

        @Override
        public String mechanism() {
            return inner.mechanism();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
