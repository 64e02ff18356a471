package io.microlink.bench.wireguard;

import io.microlink.crypto.X25519;
import io.microlink.wireguard.noise.Protocol;
import io.microlink.wireguard.session.Counters;
import io.microlink.wireguard.session.Endpoint;
import io.microlink.wireguard.session.Engine;
import io.microlink.wireguard.session.EngineSettings;
import io.microlink.wireguard.session.Network;
import io.microlink.wireguard.session.Peer;
import io.microlink.wireguard.session.PeerSpec;
import io.microlink.wireguard.session.TimeSource;
import io.microlink.wireguard.session.UdpEndpoint;
import io.microlink.wireguard.session.UdpEndpoints;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;

/**
 * Two engines with a session between them, for the transport benchmarks: A encrypts IP packets
 * of a fixed size into a wire buffer, B decrypts. The clock is frozen so keys never age out.
 * Each side finds the endpoint of a datagram's source address as WireGuardDevice's UDP loop
 * does, so the receive figures include that lookup.
 */
final class EnginePair {
    private static final InetSocketAddress ADDR_A = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
    private static final InetSocketAddress ADDR_B = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2);
    private static final TimeSource FROZEN = new TimeSource() {
        @Override
        public long nanoTime() {
            return 1_000_000_000L;
        }

        @Override
        public Instant now() {
            return Instant.parse("2026-01-01T00:00:00Z");
        }
    };

    private final int size;
    private final byte[] buf;
    private final byte[] wire = new byte[65535];
    private int wireLen;
    private Endpoint wireTo;
    private Engine a;
    private Engine b;
    private final UdpEndpoints sourcesAtA = new UdpEndpoints();
    private final UdpEndpoints sourcesAtB = new UdpEndpoints();
    private final Network net = new Network() {
        @Override
        public void send(Endpoint to, byte[] data, int off, int len) {
            System.arraycopy(data, off, wire, 0, len);
            wireLen = len;
            wireTo = to;
        }

        @Override
        public void deliver(byte[] data, int off, int len) {
            // the benchmark only needs the packet to get this far
        }
    };

    EnginePair(int size) {
        this.size = size;
        this.buf = new byte[Protocol.TRANSPORT_HEADER_SIZE + size + 32];
    }

    /** Creates both engines and completes a handshake through the wire buffer. */
    void handshake() throws Exception {
        byte[] ka = X25519.generatePrivateKey(), kb = X25519.generatePrivateKey();
        EngineSettings settings = EngineSettings.DEFAULT.withMtu(size);
        a = new Engine(ka, settings, FROZEN);
        b = new Engine(kb, settings, FROZEN);
        Peer bAtA = a.addPeer(new PeerSpec(X25519.publicKey(kb), null, new UdpEndpoint(ADDR_B), 0, false));
        Peer aAtB = b.addPeer(new PeerSpec(X25519.publicKey(ka), null, null, 0, false));
        a.allowedIps().insert(InetAddress.getByName("10.0.0.2"), 32, bAtA);
        b.allowedIps().insert(InetAddress.getByName("10.0.0.1"), 32, aAtB);
        encrypt(); // no session yet: this sends an initiation
        for (int i = 0; i < 4 && wireLen > 0; i++) {
            int len = wireLen;
            wireLen = 0;
            if (((UdpEndpoint) wireTo).address().equals(ADDR_B)) {
                b.receive(wire, 0, len, sourcesAtB.of(ADDR_A), net);
            } else {
                a.receive(wire, 0, len, sourcesAtA.of(ADDR_B), net);
            }
        }
        if (bAtA.handshakesCompleted() != 1) {
            throw new IllegalStateException("no session: " + a.counters() + " / " + b.counters());
        }
    }

    /** A sends one IP packet (UDP 10.0.0.1 -> 10.0.0.2); returns the message length. */
    int encrypt() {
        int o = Protocol.TRANSPORT_HEADER_SIZE;
        buf[o] = 0x45; // encryption is in place, so the header is rewritten every time
        buf[o + 2] = (byte) (size >>> 8);
        buf[o + 3] = (byte) size;
        buf[o + 9] = 17;
        buf[o + 12] = 10;
        buf[o + 13] = 0;
        buf[o + 14] = 0;
        buf[o + 15] = 1;
        buf[o + 16] = 10;
        buf[o + 17] = 0;
        buf[o + 18] = 0;
        buf[o + 19] = 2;
        a.send(buf, o, size, net);
        return wireLen;
    }

    byte[] wireCopy() {
        return Arrays.copyOf(wire, wireLen);
    }

    /** B receives the message A sent last. */
    void decryptLast() {
        b.receive(wire, 0, wireLen, sourcesAtB.of(ADDR_A), net);
    }

    void decrypt(byte[] message, int len) {
        b.receive(message, 0, len, sourcesAtB.of(ADDR_A), net);
    }

    Counters receiverCounters() {
        return b.counters();
    }
}
