package io.microlink.netstack.tcp;

import java.util.ArrayList;
import java.util.List;

/**
 * A hand-driven TCP peer for state-machine tests: it injects segments it builds field by field
 * and reads back what the stack sent it, so each test controls every sequence number.
 */
final class RawPeer {
    static final byte[] IP = {100, 64, 0, 9};

    final SimulatedNetwork net;
    final SimulatedNetwork.Node node;
    final int port;
    /** This peer's address, and the one it sends to: the node's own, or another a transparent listener takes. */
    private final byte[] ip;
    private final byte[] to;
    private int seen;

    RawPeer(SimulatedNetwork net, SimulatedNetwork.Node node, int port) {
        this(net, node, IP, node.ip, port);
    }

    RawPeer(SimulatedNetwork net, SimulatedNetwork.Node node, byte[] ip, byte[] to, int port) {
        this.net = net;
        this.node = node;
        this.ip = ip;
        this.to = to;
        this.port = port;
    }

    /** Sends a segment from this peer's port to {@code dstPort} on the node. */
    void send(int dstPort, int flags, int seq, int ack, int window, byte[] payload) {
        TcpSegment seg = new TcpSegment();
        seg.srcPort = port;
        seg.dstPort = dstPort;
        seg.flags = flags;
        seg.seq = seq;
        seg.ack = ack;
        seg.window = window;
        if ((flags & TcpSegment.SYN) != 0) {
            seg.mss = 1000;
            seg.windowShift = 2;
        }
        byte[] b = new byte[TcpSegment.MAX_HEADER_LENGTH + payload.length];
        int h = seg.writeHeader(b, 0);
        System.arraycopy(payload, 0, b, h, payload.length);
        byte[] wire = java.util.Arrays.copyOf(b, h + payload.length);
        TcpSegment.fillChecksum(ip, to, wire, 0, wire.length);
        net.inject(node, ip, to, wire);
    }

    void send(int dstPort, int flags, int seq, int ack) {
        send(dstPort, flags, seq, ack, 65535, new byte[0]);
    }

    /** Segments the node sent to this peer since the last call. */
    List<TcpSegment> received() {
        List<TcpSegment> out = new ArrayList<>();
        for (; seen < net.sent.size(); seen++) {
            SimulatedNetwork.Sent s = net.sent.get(seen);
            if (java.util.Arrays.equals(s.dst(), ip)) {
                out.add(s.parsed());
            }
        }
        return out;
    }

    /** Of the segments the node sent to this peer's address since the last call, those for this peer's port. */
    List<TcpSegment> receivedOnPort() {
        return received().stream().filter(s -> s.dstPort == port).toList();
    }

    /** The one segment the node sent since the last call. */
    TcpSegment receivedOne() {
        List<TcpSegment> r = received();
        if (r.size() != 1) {
            throw new AssertionError("expected one segment, got " + r.size());
        }
        return r.getFirst();
    }
}
