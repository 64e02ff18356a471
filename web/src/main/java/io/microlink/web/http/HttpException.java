package io.microlink.web.http;

/**
 * A request that cannot be served, with the status and the one-line reason the caller gets
 * back as {@code {"error": "..."}}. Handlers throw it for bad input; the server answers it.
 *
 * <pre>{@code
 * if (page < 1) throw new HttpException(400, "page must be 1 or more, got " + page);
 * }</pre>
 */
public final class HttpException extends RuntimeException {
    private final int status;

    public HttpException(int status, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an HTTP error status is 400-599, got " + status);
        }
        this.status = status;
    }

    public int status() {
        return status;
    }
}
