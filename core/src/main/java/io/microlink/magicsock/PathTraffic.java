package io.microlink.magicsock;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * WireGuard datagrams exchanged with one peer, by path (direct UDP or a DERP relay): bytes and
 * packets each way, for the node's metrics. Counted where magicsock picks the path of a datagram
 * or learns where one came from. One atomic array, not a LongAdder per count: every peer of
 * the netmap has one, most never carry a packet, and eight LongAdders cost about 300 bytes a
 * peer against about 110 here; the UDP reader, DERP readers and senders counting at once contend
 * little on one peer's counts.
 */
final class PathTraffic {
    /** Sent counts start a cache line (64 bytes) after received ones: the receive and send paths run on different threads. */
    private static final int SENT = 8;

    private final AtomicLongArray counts = new AtomicLongArray(SENT + 4);

    void received(boolean direct, int bytes) {
        add(0, direct, bytes);
    }

    void sent(boolean direct, int bytes) {
        add(SENT, direct, bytes);
    }

    private void add(int base, boolean direct, int bytes) {
        int i = base + (direct ? 0 : 2);
        counts.addAndGet(i, bytes);
        counts.incrementAndGet(i + 1);
    }

    long receivedBytes(boolean direct) {
        return counts.get(direct ? 0 : 2);
    }

    long receivedPackets(boolean direct) {
        return counts.get(direct ? 1 : 3);
    }

    long sentBytes(boolean direct) {
        return counts.get(SENT + (direct ? 0 : 2));
    }

    long sentPackets(boolean direct) {
        return counts.get(SENT + (direct ? 1 : 3));
    }
}
