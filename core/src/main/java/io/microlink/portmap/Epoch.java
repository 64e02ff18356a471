package io.microlink.portmap;

/**
 * Whether a gateway lost its mappings since an earlier answer: its epoch (seconds since its
 * table was set up) should have advanced about as our clock did. RFC 6887 §8.5's test, which
 * also covers RFC 6886 §3.6's: the epoch went back by more than a second, or the two clocks
 * disagree by more than 2 s plus a sixteenth.
 */
final class Epoch {
    private Epoch() {}

    /**
     * @param before      the epoch in the earlier answer
     * @param beforeNanos when it came
     * @param now         the epoch in the latest answer
     * @param nowNanos    when that came
     */
    static boolean lostState(long before, long beforeNanos, long now, long nowNanos) {
        if (now < before - 1) {
            return true;
        }
        long clientDelta = Math.max(0, (nowNanos - beforeNanos) / 1_000_000_000L);
        long serverDelta = now - before;
        return clientDelta + 2 < serverDelta - serverDelta / 16 || serverDelta + 2 < clientDelta - clientDelta / 16;
    }
}
