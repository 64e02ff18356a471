package io.microlink.host.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Every refusal counted; at most one line per interval, saying how many since the last. */
class RefusalsTest {
    /** Keeps what would be logged, formatted. */
    private static final class Lines implements Logger {
        final List<String> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + MessageFormat.format(format, params));
        }

        @Override
        public void log(Level level, Supplier<String> msgSupplier) {
            lines.add(level + " " + msgSupplier.get());
        }
    }

    @Test
    void aFloodOfRefusalsIsCountedInFullAndLoggedOncePerInterval() {
        Lines log = new Lines();
        Refusals refusals = new Refusals(log, Level.INFO, "refused {0} (the latest: {1})");
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            refusals.record("caller " + i, start + i * 1_000_000L); // 1,000 in one second
        }
        refusals.record("caller late", start + Refusals.LOG_INTERVAL_NANOS + 1);

        assertThat(refusals.total()).isEqualTo(1001);
        assertThat(log.lines).containsExactly("INFO refused 1 (the latest: caller 0)",
                "INFO refused 1000 (the latest: caller late)");
    }

    @Test
    void warningIsTheDefaultLevel() {
        Lines log = new Lines();
        new Refusals(log, "refused {0} (the latest: {1})").record("x");
        assertThat(log.lines).containsExactly("WARNING refused 1 (the latest: x)");
    }
}
