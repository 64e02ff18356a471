package io.microlink.host.limits;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connections a listener turned away: counted, and logged at most once per interval with how
 * many since the last warning, so that a flood of them (a peer or a local process opening
 * connections as fast as it can) neither goes unseen nor fills the log. Thread-safe.
 *
 * <pre>{@code
 * Refusals refused = new Refusals(LOG, "serve: port 8080 refused {0} connection(s) since the last warning:"
 *         + " too many at once (the latest from {1})");
 * if (!slots.tryAcquire()) { socket.close(); refused.record(caller.getHostAddress()); }
 * }</pre>
 */
public final class Refusals {
    /** At most one warning per this interval. */
    public static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final Logger log;
    private final Level level;
    private final String warning;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong logged = new AtomicLong();
    private final AtomicLong nextLog = new AtomicLong(System.nanoTime());

    /**
     * @param log     where the warnings go
     * @param warning a {@link java.text.MessageFormat} pattern: {@code {0}} is the number refused since the
     *                last warning, {@code {1}} the latest refused caller
     */
    public Refusals(Logger log, String warning) {
        this(log, Level.WARNING, warning);
    }

    /**
     * As {@link #Refusals(Logger, String)}, logged at {@code level}: {@link Level#INFO} for refusals
     * that are the client's mistake (a wrong password), where a flood is a nuisance, not news.
     */
    public Refusals(Logger log, Level level, String warning) {
        this.log = log;
        this.level = level;
        this.warning = warning;
    }

    /** Counts one refusal of {@code caller} (as the log should name it) now. */
    public void record(String caller) {
        record(caller, System.nanoTime());
    }

    /** Counts one refusal of {@code caller} at {@code nowNanos} ({@link System#nanoTime()}'s scale). */
    public void record(String caller, long nowNanos) {
        long count = total.incrementAndGet();
        long next = nextLog.get();
        if (nowNanos - next >= 0 && nextLog.compareAndSet(next, nowNanos + LOG_INTERVAL_NANOS)) {
            log.log(level, warning, String.valueOf(count - logged.getAndSet(count)), caller);
        }
    }

    /** Refusals since start. */
    public long total() {
        return total.get();
    }
}
