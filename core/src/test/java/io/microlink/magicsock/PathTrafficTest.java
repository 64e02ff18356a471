package io.microlink.magicsock;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
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

    /**
     * Every netmap peer has these counts, so they are one array of longs (about 110 bytes), not
     * eight LongAdders (about 300). Checked by structure rather than by a heap reading, which
     * moves with whatever else the test JVM allocates; the bytes are the netmap benchmark's.
     */
    @Test
    void aPeersCountsAreOneArrayOfLongs() {
        assertThat(Arrays.stream(PathTraffic.class.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers())).map(Field::getType))
                .containsExactly(AtomicLongArray.class);
    }
}
