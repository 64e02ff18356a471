package io.microlink.netstack.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadlineInputStreamTest {
    @Test
    void eachReadWaitsAtMostWhatIsLeftAndNoneAfterTheDeadline() throws Exception {
        List<Integer> timeouts = new ArrayList<>();
        long[] deadline = {System.nanoTime() + Duration.ofSeconds(30).toNanos()};
        DeadlineInputStream in = new DeadlineInputStream(new ByteArrayInputStream(new byte[] {1, 2, 3}),
                timeouts::add, () -> deadline[0], "too late");
        assertThat(in.read()).isEqualTo(1);
        assertThat(timeouts.getLast()).isBetween(1, 30_000);
        deadline[0] = System.nanoTime() + 500_000; // half a millisecond left: still one, never 0 (no timeout)
        assertThat(in.read(new byte[1], 0, 1)).isEqualTo(1);
        assertThat(timeouts.getLast()).isEqualTo(1);
        deadline[0] = System.nanoTime() - 1;
        assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class).hasMessage("too late");
    }

    @Test
    void withinCountsItsBudgetFromNow() throws Exception {
        List<Integer> timeouts = new ArrayList<>();
        DeadlineInputStream in = DeadlineInputStream.within(new ByteArrayInputStream(new byte[] {7}), timeouts::add,
                Duration.ofMillis(200), "late");
        assertThat(in.read()).isEqualTo(7);
        assertThat(timeouts.getFirst()).isBetween(1, 200);
    }
}
