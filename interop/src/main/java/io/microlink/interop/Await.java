package io.microlink.interop;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Bounded polling: every wait in the harness has a deadline and says what it waited for.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(30), "ts1 sees ts2 online", () -> ts1.status().peerOnline("ts2"));
 * }</pre>
 */
public final class Await {
    private static final Duration POLL = Duration.ofMillis(200);

    private Await() {}

    /** A bounded wait that ran out. */
    public static final class TimeoutException extends RuntimeException {
        TimeoutException(String message, Throwable lastFailure) {
            super(message, lastFailure);
        }
    }

    /**
     * Polls {@code condition} until it returns true. Exceptions thrown by the condition count
     * as "not yet"; the last one is attached to the timeout for diagnosis.
     */
    public static void until(Duration timeout, String what, Supplier<Boolean> condition) {
        until(timeout, () -> what, condition);
    }

    /** As {@link #until(Duration, String, Supplier)}, describing at timeout what was observed. */
    public static void until(Duration timeout, Supplier<String> what, Supplier<Boolean> condition) {
        result(timeout, what, () -> condition.get() ? Boolean.TRUE : null);
    }

    /** Polls {@code probe} until it returns non-null and returns that value. */
    public static <T> T result(Duration timeout, String what, Supplier<T> probe) {
        return result(timeout, () -> what, probe);
    }

    /**
     * As {@link #result(Duration, String, Supplier)}, with a description built at timeout, so it
     * can show what was observed during the wait.
     */
    public static <T> T result(Duration timeout, Supplier<String> what, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("timed out after " + timeout + " waiting for: " + what.get()
                        + (last == null ? "" : " (last error: " + last.getMessage() + ")"), last);
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TimeoutException("interrupted while waiting for: " + what.get(), last);
            }
        }
    }
}
