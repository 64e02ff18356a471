package io.microlink.netstack.tcp;

/**
 * Why a connection ended other than by an orderly close; a socket layer turns it into the
 * matching {@code IOException} ("Connection refused", "Connection reset", "Connection timed out").
 *
 * <pre>{@code
 * if (connection.error() == TcpError.REFUSED) { throw new ConnectException("Connection refused"); }
 * }</pre>
 */
public enum TcpError {
    /** The peer answered our SYN with RST. */
    REFUSED,
    /** The peer reset an open connection. */
    RESET,
    /** Retransmissions or keep-alive probes went unanswered. */
    TIMED_OUT,
    /** This side aborted: {@link TcpConnection#abort()}, or close with unread data (RFC 2525 §2.17). */
    ABORTED
}
