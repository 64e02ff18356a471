package io.microlink.portmap;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A NAT-PMP and PCP gateway on a loopback address's port 5351 for unit tests, answering from
 * what it is set to: each switch is a field a test changes while it runs.
 */
final class ScriptedGateway implements AutoCloseable {
    final Inet4Address address;
    private final DatagramSocket socket;
    volatile boolean natPmp = true;
    volatile boolean pcp = true;
    /** Answer NAT-PMP mapping requests as if for TCP (opcode 130). */
    volatile boolean tcpAnswer;
    /** Send a PCP answer with another nonce before the right one. */
    volatile boolean wrongNonceFirst;
    volatile int external = 0xcb007102; // 203.0.113.2
    volatile int mappedPort = 60001;
    volatile long lifetime = 7200;
    volatile long epoch = 1000;
    final AtomicInteger mapRequests = new AtomicInteger();
    final AtomicInteger epochRequests = new AtomicInteger();
    /** Every datagram that arrived, answered or not. */
    final AtomicInteger received = new AtomicInteger();

    ScriptedGateway(String address) throws SocketException {
        this.address = (Inet4Address) InetAddress.ofLiteral(address);
        socket = new DatagramSocket(new InetSocketAddress(this.address, NatPmp.PORT));
        Thread.startVirtualThread(this::serve);
    }

    private void serve() {
        byte[] buf = new byte[1100];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                received.incrementAndGet();
                for (byte[] answer : answer(buf, p.getLength())) {
                    socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                }
            } catch (Exception e) {
                // closed: the test is over
            }
        }
    }

    private byte[][] answer(byte[] q, int len) {
        if (q[0] == 0 && natPmp) {
            if (q[1] == NatPmp.OP_EXTERNAL_ADDRESS) {
                epochRequests.incrementAndGet();
                byte[] a = new byte[12];
                a[1] = (byte) 128;
                Wire.put32(a, 4, epoch);
                Wire.put32(a, 8, external);
                return new byte[][] {a};
            }
            mapRequests.incrementAndGet();
            byte[] a = new byte[16];
            a[1] = (byte) (128 + (tcpAnswer ? NatPmp.OP_MAP_TCP : q[1]));
            Wire.put32(a, 4, epoch);
            System.arraycopy(q, 4, a, 8, 2);
            Wire.put16(a, 10, mappedPort);
            Wire.put32(a, 12, lifetime);
            return new byte[][] {a};
        }
        if (q[0] == 2 && pcp && len >= 24) {
            byte[] a = new byte[q[1] == Pcp.OP_MAP ? 60 : 24];
            a[0] = 2;
            a[1] = (byte) (128 + q[1]);
            Wire.put32(a, 8, epoch);
            if (q[1] == Pcp.OP_ANNOUNCE) {
                epochRequests.incrementAndGet();
                return new byte[][] {a};
            }
            mapRequests.incrementAndGet();
            Wire.put32(a, 4, lifetime);
            System.arraycopy(q, 24, a, 24, 20); // nonce, protocol, reserved, internal port
            Wire.put16(a, 42, mappedPort);
            a[54] = (byte) 0xFF;
            a[55] = (byte) 0xFF;
            Wire.put32(a, 56, external);
            if (!wrongNonceFirst) {
                return new byte[][] {a};
            }
            byte[] wrong = a.clone();
            wrong[24] ^= 1;
            Wire.put16(wrong, 42, 1234);
            return new byte[][] {wrong, a};
        }
        if (q[0] != 0 && natPmp) {
            return new byte[][] {{0, (byte) (128 + q[1]), 0, 1, 0, 0, 0, 0}}; // NAT-PMP: unsupported version
        }
        return new byte[0][];
    }

    @Override
    public void close() {
        socket.close();
    }
}
