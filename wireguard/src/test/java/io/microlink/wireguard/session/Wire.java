package io.microlink.wireguard.session;

import io.microlink.crypto.X25519;
import io.microlink.wireguard.noise.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Two engines joined by an in-memory "UDP" link on a shared fake clock. Datagrams are queued,
 * not delivered re-entrantly, so tests can inspect, drop, replay or tamper with them.
 */
final class Wire {
    static final UdpEndpoint ADDR_A = udp("192.0.2.1", 51820);
    static final UdpEndpoint ADDR_B = udp("192.0.2.2", 51820);

    final Endpoint addrA;
    final Endpoint addrB;
    final FakeClock clock = new FakeClock();
    final Engine a;
    final Engine b;
    final Peer bAtA;
    final Peer aAtB;
    final Deque<Datagram> inFlight = new ArrayDeque<>();
    final List<byte[]> deliveredAtA = new ArrayList<>();
    final List<byte[]> deliveredAtB = new ArrayList<>();
    final Side netA;
    final Side netB;

    record Datagram(Endpoint from, Endpoint to, byte[] bytes) {
        int type() {
            return bytes[0];
        }
    }

    /** One engine's end of the link. */
    final class Side implements Network {
        final Endpoint self;
        final List<byte[]> delivered;

        Side(Endpoint self, List<byte[]> delivered) {
            this.self = self;
            this.delivered = delivered;
        }

        @Override
        public void send(Endpoint to, byte[] buf, int off, int len) {
            inFlight.add(new Datagram(self, to, Arrays.copyOfRange(buf, off, off + len)));
        }

        @Override
        public void deliver(byte[] buf, int off, int len) {
            delivered.add(Arrays.copyOfRange(buf, off, off + len));
        }
    }

    /** A and B at the given endpoints; A knows B's, B learns A's from its packets (with roaming). */
    Wire(EngineSettings settings, byte[] psk, Endpoint addrA, Endpoint addrB) {
        this.addrA = addrA;
        this.addrB = addrB;
        netA = new Side(addrA, deliveredAtA);
        netB = new Side(addrB, deliveredAtB);
        byte[] privA = X25519.generatePrivateKey(), privB = X25519.generatePrivateKey();
        a = new Engine(privA, settings, clock);
        b = new Engine(privB, settings, clock);
        bAtA = a.addPeer(new PeerSpec(X25519.publicKey(privB), psk, addrB, 0, false));
        aAtB = b.addPeer(new PeerSpec(X25519.publicKey(privA), psk, null, 0, false));
        a.allowedIps().insert(ip("10.0.0.2"), 32, bAtA);
        b.allowedIps().insert(ip("10.0.0.1"), 32, aAtB);
    }

    Wire(EngineSettings settings, byte[] psk) {
        this(settings, psk, ADDR_A, ADDR_B);
    }

    Wire() {
        this(EngineSettings.DEFAULT, null);
    }

    /** Delivers queued datagrams (and whatever they cause) until the link is quiet. */
    void pump() {
        for (int i = 0; i < 10_000 && !inFlight.isEmpty(); i++) {
            deliver(inFlight.poll());
        }
    }

    void deliver(Datagram d) {
        Engine to = d.to().equals(addrA) ? a : b;
        Network net = to == a ? netA : netB;
        byte[] copy = d.bytes().clone();
        to.receive(copy, 0, copy.length, d.from(), net);
    }

    /** Sends an IPv4 packet of {@code size} bytes from A's side (10.0.0.1 -> 10.0.0.2). */
    void sendFromA(int size) {
        send(a, netA, ipv4("10.0.0.1", "10.0.0.2", size));
    }

    void sendFromB(int size) {
        send(b, netB, ipv4("10.0.0.2", "10.0.0.1", size));
    }

    static void send(Engine e, Network net, byte[] packet) {
        byte[] buf = new byte[Protocol.TRANSPORT_HEADER_SIZE + packet.length + 32];
        System.arraycopy(packet, 0, buf, Protocol.TRANSPORT_HEADER_SIZE, packet.length);
        e.send(buf, Protocol.TRANSPORT_HEADER_SIZE, packet.length, net);
    }

    static byte[] ipv4(String src, String dst, int size) {
        byte[] p = new byte[size];
        p[0] = 0x45;
        p[2] = (byte) (size >>> 8);
        p[3] = (byte) size;
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(ip(src).getAddress(), 0, p, 12, 4);
        System.arraycopy(ip(dst).getAddress(), 0, p, 16, 4);
        for (int i = 20; i < size; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    static UdpEndpoint udp(String ip, int port) {
        return new UdpEndpoint(new InetSocketAddress(ip(ip), port));
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
