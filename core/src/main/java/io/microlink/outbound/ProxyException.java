package io.microlink.outbound;

import java.io.IOException;

/**
 * An outbound proxy could not be reached or would not open a tunnel. The message is one line
 * for a user (which proxy, what it said, what to check) and never holds the proxy's password.
 */
public final class ProxyException extends IOException {
    /** The proxy's status code, or 0 when it gave none (unreachable, silent, or not HTTP). */
    private final int status;

    ProxyException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /**
     * The HTTP status the proxy answered {@code CONNECT} with, 0 when there was none.
     *
     * @return the HTTP status the proxy answered {@code CONNECT} with, 0 when there was none
     */
    public int status() {
        return status;
    }
}
