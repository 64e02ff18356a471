package io.microlink.netstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DroppedInputTest {
    @Test
    void aFloodOfFailuresIsCountedButLoggedOncePerInterval() {
        RecordingLogger log = new RecordingLogger();
        DroppedInput drops = new DroppedInput(log, "test packet");
        long t0 = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            drops.record(new IllegalStateException("bug " + i), t0 + i);
        }
        assertThat(drops.total()).isEqualTo(10_000);
        assertThat(log.messages).containsExactly("dropped 1 test packet(s) that failed to process / IllegalStateException");

        drops.record(new IllegalStateException("later"), t0 + DroppedInput.LOG_INTERVAL_NANOS);
        assertThat(log.messages).hasSize(2);
        assertThat(log.messages.get(1)).startsWith("dropped 10000 test packet(s)");
    }
}
