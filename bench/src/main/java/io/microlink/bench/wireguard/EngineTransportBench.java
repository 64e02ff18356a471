package io.microlink.bench.wireguard;

import io.microlink.crypto.X25519;
import io.microlink.wireguard.noise.Protocol;
import io.microlink.wireguard.session.Engine;
import io.microlink.wireguard.session.EngineSettings;
import io.microlink.wireguard.session.Network;
import io.microlink.wireguard.session.Peer;
import io.microlink.wireguard.session.PeerSpec;
import io.microlink.wireguard.session.TimeSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Packets per second through the whole engine path, one thread, 1420-byte IP packets:
 * {@code encrypt} is {@link Engine#send} (routing, padding, counter, seal, timers);
 * {@code encryptThenDecrypt} adds {@link Engine#receive} on the peer (index lookup, replay
 * window, open, roaming, source check). Decrypt alone cannot be measured without defeating the
 * replay window, so its cost is the difference of the two. The clock is frozen so keys never
 * age out during the run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineTransportBench {
    private static final InetSocketAddress ADDR_A = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
    private static final InetSocketAddress ADDR_B = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2);

    @Param({"1420"})
    int size;

    private Engine a;
    private Engine b;
    private byte[] buf;
    private final byte[] wire = new byte[65535];
    private int wireLen;
    private InetSocketAddress wireTo;
    private final Network toWire = new Network() {
        @Override
        public void send(InetSocketAddress to, byte[] data, int off, int len) {
            System.arraycopy(data, off, wire, 0, len);
            wireLen = len;
            wireTo = to;
        }

        @Override
        public void deliver(byte[] data, int off, int len) {
            // the benchmark only needs the packet to get this far
        }
    };

    @Setup
    public void setUp() throws Exception {
        TimeSource frozen = new TimeSource() {
            @Override
            public long nanoTime() {
                return 1_000_000_000L;
            }

            @Override
            public Instant now() {
                return Instant.parse("2026-01-01T00:00:00Z");
            }
        };
        byte[] ka = X25519.generatePrivateKey(), kb = X25519.generatePrivateKey();
        EngineSettings settings = EngineSettings.DEFAULT.withMtu(size);
        a = new Engine(ka, settings, frozen);
        b = new Engine(kb, settings, frozen);
        Peer bAtA = a.addPeer(new PeerSpec(X25519.publicKey(kb), null, ADDR_B, 0, false));
        Peer aAtB = b.addPeer(new PeerSpec(X25519.publicKey(ka), null, null, 0, false));
        a.allowedIps().insert(InetAddress.getByName("10.0.0.2"), 32, bAtA);
        b.allowedIps().insert(InetAddress.getByName("10.0.0.1"), 32, aAtB);
        buf = new byte[Protocol.TRANSPORT_HEADER_SIZE + size + 32];
        // Handshake: A's first packet sends an initiation; shuttle messages until quiet.
        fillPacket();
        a.send(buf, Protocol.TRANSPORT_HEADER_SIZE, size, toWire);
        for (int i = 0; i < 4 && wireLen > 0; i++) {
            int len = wireLen;
            wireLen = 0;
            (wireTo.equals(ADDR_B) ? b : a).receive(wire, 0, len, wireTo.equals(ADDR_B) ? ADDR_A : ADDR_B, toWire);
        }
        if (bAtA.handshakesCompleted() != 1) {
            throw new IllegalStateException("no session: " + a.counters() + " / " + b.counters());
        }
    }

    private void fillPacket() {
        int o = Protocol.TRANSPORT_HEADER_SIZE;
        buf[o] = 0x45;
        buf[o + 2] = (byte) (size >>> 8);
        buf[o + 3] = (byte) size;
        buf[o + 9] = 17;
        byte[] src = {10, 0, 0, 1}, dst = {10, 0, 0, 2};
        System.arraycopy(src, 0, buf, o + 12, 4);
        System.arraycopy(dst, 0, buf, o + 16, 4);
    }

    @Benchmark
    public int encrypt() {
        fillPacket(); // encryption happens in place
        a.send(buf, Protocol.TRANSPORT_HEADER_SIZE, size, toWire);
        return wireLen;
    }

    @Benchmark
    public int encryptThenDecrypt() {
        fillPacket();
        a.send(buf, Protocol.TRANSPORT_HEADER_SIZE, size, toWire);
        b.receive(wire, 0, wireLen, ADDR_A, toWire);
        return wireLen;
    }
}
