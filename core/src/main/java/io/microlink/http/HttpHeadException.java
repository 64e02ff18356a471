package io.microlink.http;

import java.io.IOException;

/**
 * An HTTP/1.1 head that {@link HttpHeadReader} refuses. The {@link #problem} lets each caller
 * pick its answer (a server: 400, 431 or 505; a client: give up on the connection); the
 * message says what is wrong in one line, quoting at most a short, printable excerpt.
 */
public final class HttpHeadException extends IOException {
    /** What kind of refusal. */
    public enum Problem {
        /** Not HTTP/1.x syntax: a bad start line, field line, line ending or character. */
        MALFORMED,
        /** Over a {@link HttpHeadReader.Limits limit}: the whole head, one line, or the number of fields. */
        TOO_LARGE,
        /** Well-formed, but an HTTP version other than 1.0 and 1.1. */
        VERSION
    }

    private final Problem problem;

    HttpHeadException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** No stack trace: the message says all there is, and a hostile peer should not buy a stack walk per head. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
