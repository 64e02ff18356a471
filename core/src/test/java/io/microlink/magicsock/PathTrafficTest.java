package io.microlink.magicsock;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.Reference;
import org.junit.jupiter.api.Test;

/** Every netmap peer has its traffic counts, so they must count right and cost little. */
class PathTrafficTest {

    @Test
    void countsBytesAndPacketsByPathAndDirection() {
        PathTraffic t = new PathTraffic();
        t.received(true, 100);
        t.received(true, 50);
        t.received(false, 7);
        t.sent(true, 1000);
        t.sent(false, 20);
        t.sent(false, 30);

        assertThat(t.receivedBytes(true)).isEqualTo(150);
        assertThat(t.receivedPackets(true)).isEqualTo(2);
        assertThat(t.receivedBytes(false)).isEqualTo(7);
        assertThat(t.receivedPackets(false)).isEqualTo(1);
        assertThat(t.sentBytes(true)).isEqualTo(1000);
        assertThat(t.sentPackets(true)).isEqualTo(1);
        assertThat(t.sentBytes(false)).isEqualTo(50);
        assertThat(t.sentPackets(false)).isEqualTo(2);
    }

    @Test
    void aPeersCountsCostAboutAHundredBytes() {
        int peers = 10_000;
        PathTraffic[] all = new PathTraffic[peers];
        long before = liveHeap();
        for (int i = 0; i < peers; i++) {
            all[i] = new PathTraffic();
        }
        long perPeer = (liveHeap() - before) / peers;
        Reference.reachabilityFence(all);

        // Eight LongAdders and their array took about 300 bytes.
        assertThat(perPeer).isLessThan(150);
    }

    private static long liveHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
