package io.microlink.web.http;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a server's accept loop does with one connection that threw: count it and log at most
 * one warning per interval (with how many failed since), so that neither one bad connection
 * ends the loop nor a stream of them floods the log. The same rule as core's receive loops
 * ({@code magicsock.DroppedInput}), which is not visible from here; one helper for both once
 * core shares it.
 *
 * <pre>{@code
 * } catch (RuntimeException e) {
 *     failed.record(e, System.nanoTime());   // and carry on with the next connection
 * }
 * }</pre>
 */
public final class FailedConnections {
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final Logger log;
    private final String what;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong sinceLog = new AtomicLong();
    private volatile long nextLogNanos = System.nanoTime();

    /** @param what the kind of connection, for the log ("web connection", "API connection") */
    public FailedConnections(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    public void record(RuntimeException e, long nowNanos) {
        total.incrementAndGet();
        sinceLog.incrementAndGet();
        if (nowNanos - nextLogNanos >= 0) {
            nextLogNanos = nowNanos + LOG_INTERVAL_NANOS;
            log.log(Level.WARNING, "dropped " + sinceLog.getAndSet(0) + " " + what + "(s) that failed", e);
        }
    }

    /** Connections dropped since start. */
    public long total() {
        return total.get();
    }
}
