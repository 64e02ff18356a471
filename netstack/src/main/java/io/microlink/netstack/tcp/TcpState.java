package io.microlink.netstack.tcp;

/**
 * The connection states of RFC 9293 §3.3.2. LISTEN belongs to a {@link TcpListener}, not to a
 * connection, so a {@link TcpConnection} is never in it.
 *
 * <pre>{@code
 * if (connection.state() == TcpState.CLOSE_WAIT) { connection.shutdownOutput(); }
 * }</pre>
 */
public enum TcpState {
    /** Waiting for a SYN (a listener's state). */
    LISTEN,
    /** Sent a SYN, waiting for the answer. */
    SYN_SENT,
    /** Got a SYN and answered it, waiting for the ACK. */
    SYN_RECEIVED,
    /** Open both ways. */
    ESTABLISHED,
    /** We closed; our FIN is not acknowledged yet. */
    FIN_WAIT_1,
    /** We closed and our FIN is acknowledged; waiting for the peer's. */
    FIN_WAIT_2,
    /** The peer closed; we may still send. */
    CLOSE_WAIT,
    /** Both closed at once; waiting for our FIN's acknowledgment. */
    CLOSING,
    /** The peer closed first and so did we; waiting for our FIN's acknowledgment. */
    LAST_ACK,
    /** Closed; waiting two MSL so late segments die out. */
    TIME_WAIT,
    /** Gone. */
    CLOSED;

    /**
     * Whether the handshake has completed (RFC 9293's "synchronized" states).
     *
     * @return {@code true} from ESTABLISHED on, until CLOSED
     */
    public boolean synchronizedState() {
        return compareTo(ESTABLISHED) >= 0 && this != CLOSED;
    }
}
