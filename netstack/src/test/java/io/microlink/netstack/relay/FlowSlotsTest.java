package io.microlink.netstack.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FlowSlotsTest {
    private final AtomicInteger closed = new AtomicInteger();

    private Closeable item() {
        return closed::incrementAndGet;
    }

    @Test
    void anOwnerGetsItsShareAndNoMore() {
        FlowSlots<String, Closeable> slots = new FlowSlots<>(2, 100);
        assertThat(slots.take("a", item())).isTrue();
        assertThat(slots.take("a", item())).isTrue();
        assertThat(slots.take("a", item())).isFalse();
        assertThat(slots.take("b", item())).isTrue(); // another owner is not held back by a's share
        assertThat(slots.count("a")).isEqualTo(2);
        assertThat(slots.total()).isEqualTo(3);
    }

    @Test
    void allOwnersTogetherStopAtTheTotalAndAReleasedSlotIsFreeAgain() {
        FlowSlots<String, Closeable> slots = new FlowSlots<>(10, 3);
        Closeable first = item();
        assertThat(slots.take("a", first)).isTrue();
        assertThat(slots.take("b", item())).isTrue();
        assertThat(slots.take("c", item())).isTrue();
        assertThat(slots.take("d", item())).isFalse();
        assertThat(slots.count("d")).isZero();
        slots.release("a", first);
        slots.release("a", first); // twice: counted once
        assertThat(slots.total()).isEqualTo(2);
        assertThat(slots.take("d", item())).isTrue();
    }

    @Test
    void closeIfClosesAndFreesWhatItPicksWhoeverOwnsIt() {
        FlowSlots<String, Closeable> slots = new FlowSlots<>(10, 10);
        Closeable stale = item();
        Closeable otherStale = item();
        slots.take("a", stale);
        slots.take("a", item());
        slots.take("b", otherStale);
        assertThat(slots.closeIf(i -> i == stale || i == otherStale)).isEqualTo(2);
        assertThat(closed).hasValue(2);
        assertThat(slots.count("a")).isEqualTo(1);
        assertThat(slots.count("b")).isZero();
        assertThat(slots.closeIf(i -> i == stale)).isZero(); // gone already: neither closed nor counted again
    }

    @Test
    void closingAnOwnerClosesAndFreesItsItemsOnly() {
        FlowSlots<String, Closeable> slots = new FlowSlots<>(10, 10);
        slots.take("a", item());
        slots.take("a", item());
        slots.take("b", item());
        slots.closeAll("a");
        assertThat(closed).hasValue(2);
        assertThat(slots.total()).isEqualTo(1);
        slots.closeEverything();
        assertThat(closed).hasValue(3);
        assertThat(slots.total()).isZero();
    }
}
