package io.microlink.magicsock;

import java.util.concurrent.atomic.LongAdder;

/**
 * WireGuard datagrams exchanged with one peer, by path (direct UDP or a DERP relay): bytes and
 * packets each way, for the node's metrics. Counted where magicsock picks the path of a datagram
 * or learns where one came from; LongAdders because the UDP reader, DERP readers and senders
 * count at once.
 */
final class PathTraffic {
    private final LongAdder[] counts = new LongAdder[8];

    PathTraffic() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void received(boolean direct, int bytes) {
        add(0, direct, bytes);
    }

    void sent(boolean direct, int bytes) {
        add(4, direct, bytes);
    }

    private void add(int base, boolean direct, int bytes) {
        int i = base + (direct ? 0 : 2);
        counts[i].add(bytes);
        counts[i + 1].increment();
    }

    long receivedBytes(boolean direct) {
        return counts[direct ? 0 : 2].sum();
    }

    long receivedPackets(boolean direct) {
        return counts[direct ? 1 : 3].sum();
    }

    long sentBytes(boolean direct) {
        return counts[direct ? 4 : 6].sum();
    }

    long sentPackets(boolean direct) {
        return counts[direct ? 5 : 7].sum();
    }
}
