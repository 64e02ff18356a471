package io.microlink.netstack.icmp;

/**
 * A token bucket for ICMP errors (RFC 1812 section 4.3.2.8, RFC 4443 section 2.4 (f)): a burst
 * of {@code burst} errors at once, then {@code perSecond} a second. A flood of packets to
 * absent addresses thus costs at most that many answers, and the node cannot be made to
 * reflect traffic at a forged source. Sans-I/O: the caller passes the time.
 *
 * <pre>{@code
 * IcmpErrorLimiter limit = new IcmpErrorLimiter(10, 10);
 * if (limit.tryAcquire(System.nanoTime())) {
 *     send(error);
 * }
 * }</pre>
 */
public final class IcmpErrorLimiter {
    private static final long SECOND = 1_000_000_000L;

    private final long nanosPerToken;
    private final long capacityNanos;
    /** The tokens held, as the time it took to earn them; starts full. */
    private long heldNanos;
    private long lastNanos;
    private boolean started;

    /**
     * A full bucket.
     *
     * @param perSecond errors a second once the burst is spent
     * @param burst errors allowed at once
     */
    public IcmpErrorLimiter(int perSecond, int burst) {
        if (perSecond <= 0 || burst <= 0) {
            throw new IllegalArgumentException("the rate and the burst must be positive");
        }
        this.nanosPerToken = SECOND / perSecond;
        this.capacityNanos = nanosPerToken * burst;
        this.heldNanos = capacityNanos;
    }

    /**
     * Takes one token if there is one.
     *
     * @param nowNanos the time ({@link System#nanoTime()})
     * @return {@code true} if an error may be sent now
     */
    public synchronized boolean tryAcquire(long nowNanos) {
        if (started) {
            heldNanos = Math.min(capacityNanos, heldNanos + Math.max(0, nowNanos - lastNanos));
        }
        started = true;
        lastNanos = nowNanos;
        if (heldNanos < nanosPerToken) {
            return false;
        }
        heldNanos -= nanosPerToken;
        return true;
    }
}
