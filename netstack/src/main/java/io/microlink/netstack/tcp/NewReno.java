package io.microlink.netstack.tcp;

/**
 * Congestion control in bytes: slow start and congestion avoidance (RFC 5681), fast retransmit
 * on the third duplicate ACK and NewReno fast recovery with partial-ACK retransmission (RFC 6582).
 * It decides; the connection retransmits.
 *
 * <pre>{@code
 * NewReno cc = new NewReno(1240, iss);
 * if (cc.onDuplicateAck(sndUna, sndMax, flight)) { retransmitFirstUnacked(); }
 * long sendable = cc.window() - flight;
 * }</pre>
 */
final class NewReno {
    static final int DUP_ACK_THRESHOLD = 3;

    private final int mss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private long ackedInAvoidance;
    private int dupAcks;
    private boolean inRecovery;
    /** The first sequence number after what was sent when recovery or the last timeout began. */
    private int recover;

    NewReno(int mss, int iss) {
        this.mss = mss;
        // RFC 5681 §3.1 initial window: 2 to 4 segments depending on the MSS.
        this.cwnd = (long) mss * (mss > 2190 ? 2 : mss > 1095 ? 3 : 4);
        this.recover = iss;
    }

    long window() {
        return cwnd;
    }

    /**
     * A cumulative ACK for {@code acked} new bytes up to {@code ack}. Returns true for a partial
     * ACK in recovery, after which the caller retransmits the first unacknowledged segment.
     */
    boolean onNewAck(int ack, int acked) {
        dupAcks = 0;
        if (inRecovery) {
            if (Seq.geq(ack, recover)) {
                inRecovery = false;
                cwnd = ssthresh;
                return false;
            }
            // RFC 6582 §3.2 step 3: deflate by what was acknowledged, add back one segment.
            cwnd = Math.max(mss, cwnd - acked + mss);
            return true;
        }
        if (cwnd < ssthresh) {
            // Every byte acknowledged counts, as in Linux (RFC 3465 byte counting without its
            // per-ACK limit): a peer with GRO acknowledges a whole batch of segments with one ACK,
            // and one segment per such ACK would leave slow start crawling.
            cwnd = Math.min(cwnd + acked, ssthresh);
        } else {
            ackedInAvoidance += acked;
            if (ackedInAvoidance >= cwnd) {
                ackedInAvoidance -= cwnd;
                cwnd += mss;
            }
        }
        return false;
    }

    /**
     * A duplicate ACK (RFC 5681 §2 definition, checked by the caller). Returns true when fast
     * retransmit should send the first unacknowledged segment now.
     */
    boolean onDuplicateAck(int sndUna, int sndMax, int flight) {
        dupAcks++;
        if (inRecovery) {
            cwnd += mss;
            return false;
        }
        // RFC 6582 §3.2 step 2: no new recovery for losses from before the last one began.
        if (dupAcks != DUP_ACK_THRESHOLD || Seq.lt(sndUna, recover)) {
            return false;
        }
        ssthresh = halve(flight);
        cwnd = ssthresh + DUP_ACK_THRESHOLD * (long) mss;
        recover = sndMax;
        inRecovery = true;
        return true;
    }

    /** The retransmission timer fired: one segment of window, and recovery is abandoned (RFC 5681 §3.1, RFC 6582 §3.2 step 4). */
    void onTimeout(int flight, int sndMax) {
        ssthresh = halve(flight);
        cwnd = mss;
        ackedInAvoidance = 0;
        dupAcks = 0;
        inRecovery = false;
        recover = sndMax;
    }

    private long halve(int flight) {
        return Math.max(Integer.toUnsignedLong(flight) / 2, 2L * mss);
    }
}
