package io.microlink.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RingBufferTest {
    @Test
    void anEmptyBufferHasNothing() {
        RingBuffer<String> b = new RingBuffer<>(3);
        assertThat(b.snapshot()).isEmpty();
    }

    @Test
    void keepsValuesOldestFirstUntilFull() {
        RingBuffer<Integer> b = new RingBuffer<>(3);
        b.add(1);
        b.add(2);
        assertThat(b.snapshot()).containsExactly(1, 2);
    }

    @Test
    void aFullBufferDropsItsOldestValueForEachNewOne() {
        RingBuffer<Integer> b = new RingBuffer<>(3);
        IntStream.rangeClosed(1, 4).forEach(b::add);
        assertThat(b.snapshot()).containsExactly(2, 3, 4);
        IntStream.rangeClosed(5, 1000).forEach(b::add);
        assertThat(b.snapshot()).containsExactly(998, 999, 1000);
    }

    @Test
    void aSnapshotIsACopy() {
        RingBuffer<Integer> b = new RingBuffer<>(2);
        b.add(1);
        List<Integer> before = b.snapshot();
        b.add(2);
        b.add(3);
        assertThat(before).containsExactly(1);
    }

    @Test
    void concurrentWritersNeverOverfillIt() throws InterruptedException {
        RingBuffer<Integer> b = new RingBuffer<>(50);
        Thread[] writers = new Thread[4];
        for (int w = 0; w < writers.length; w++) {
            writers[w] = Thread.ofPlatform().start(() -> IntStream.range(0, 10_000).forEach(b::add));
        }
        for (Thread t : writers) {
            t.join();
        }
        assertThat(b.snapshot()).hasSize(50).doesNotContainNull();
    }

    @Test
    void refusesACapacityOfZero() {
        assertThatThrownBy(() -> new RingBuffer<>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
