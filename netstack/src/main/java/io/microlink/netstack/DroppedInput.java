package io.microlink.netstack;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a receive loop does with one input that threw (a bug of ours, or an input it cannot
 * take that does not end the stream it came on): count it and log at most one warning
 * per interval (with how many were dropped since), so that a stream of hostile packets
 * neither ends the loop nor floods the log. A thrown exception here is our bug, never the
 * sender's right to stop us: the loop carries on with the next input.
 *
 * <p>It lives here, in the module every other one can reach, so that each receive loop of
 * the node (UDP, DERP, TUN, control, DNS, TCP timers, the WireGuard engine) shares one
 * behaviour. Thread-safe.
 *
 * <pre>{@code
 * DroppedInput drops = new DroppedInput(LOG, "UDP datagram");
 * try { handle(packet); } catch (RuntimeException e) { drops.record(e); }
 * }</pre>
 */
public final class DroppedInput {
    /** At most one warning per this interval, per loop. */
    public static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final Logger log;
    private final String what;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong sinceLog = new AtomicLong();
    private volatile long nextLogNanos = System.nanoTime();

    /**
     * Counts and logs the inputs of one receive loop.
     *
     * @param log where the rate-limited warning goes
     * @param what the kind of input, for the log ("UDP datagram", "DERP packet")
     */
    public DroppedInput(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    /**
     * Counts one dropped input, now.
     *
     * @param e why the input failed
     */
    public void record(Exception e) {
        record(e, System.nanoTime());
    }

    /**
     * Counts one dropped input at {@code nowNanos} ({@link System#nanoTime()}'s scale).
     *
     * @param e why the input failed
     * @param nowNanos the time now
     */
    public void record(Exception e, long nowNanos) {
        total.incrementAndGet();
        sinceLog.incrementAndGet();
        if (nowNanos - nextLogNanos >= 0) {
            nextLogNanos = nowNanos + LOG_INTERVAL_NANOS;
            log.log(Level.WARNING, "dropped " + sinceLog.getAndSet(0) + " " + what + "(s) that failed to process", e);
        }
    }

    /**
     * Inputs dropped since start.
     *
     * @return the count
     */
    public long total() {
        return total.get();
    }
}
