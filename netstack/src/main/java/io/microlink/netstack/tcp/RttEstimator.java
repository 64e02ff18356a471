package io.microlink.netstack.tcp;

/**
 * The retransmission timeout of RFC 6298: SRTT and RTTVAR smoothed with gains 1/8 and 1/4,
 * RTO = SRTT + 4·RTTVAR, doubled on each expiry. The floor is 200 ms, as in Linux, rather than
 * RFC 6298's 1 s: tailnet paths are usually tens of milliseconds, a 1 s floor turns every tail
 * loss into a second-long stall for interactive traffic, and the cost of the lower floor, a
 * spurious retransmission when the path delay jumps, is one extra segment. The ceiling is 60 s.
 * Karn's rule is the caller's: it must not sample a retransmitted segment.
 *
 * <pre>{@code
 * RttEstimator rtt = new RttEstimator();
 * rtt.sample(30_000_000L);
 * long deadline = now + rtt.timeout();
 * }</pre>
 */
final class RttEstimator {
    static final long MIN_RTO_NANOS = 200_000_000L;
    static final long MAX_RTO_NANOS = 60_000_000_000L;
    static final long INITIAL_RTO_NANOS = 1_000_000_000L;

    private long srtt;
    private long rttvar;
    private long rto = INITIAL_RTO_NANOS;
    private int backoffs;

    void sample(long rttNanos) {
        if (srtt == 0) {
            srtt = rttNanos;
            rttvar = rttNanos / 2;
        } else {
            rttvar += (Math.abs(srtt - rttNanos) - rttvar) / 4;
            srtt += (rttNanos - srtt) / 8;
        }
        rto = Math.clamp(srtt + 4 * rttvar, MIN_RTO_NANOS, MAX_RTO_NANOS);
        backoffs = 0;
    }

    /** The current timeout including exponential backoff. */
    long timeout() {
        return Math.min(MAX_RTO_NANOS, rto << Math.min(backoffs, 20));
    }

    void backoff() {
        backoffs++;
    }

    int backoffs() {
        return backoffs;
    }

    /** An acknowledgment of new data ends the backoff even without an RTT sample (RFC 6298 §5.7 leaves the value, we keep it). */
    void resetBackoff() {
        backoffs = 0;
    }
}
