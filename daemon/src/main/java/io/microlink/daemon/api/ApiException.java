package io.microlink.daemon.api;

/**
 * A request the daemon cannot serve, with a stable code for programs ({@code not-connected},
 * {@code unknown-peer}, ...) and a one-line message for people. Sent back as the error line.
 */
public final class ApiException extends Exception {
    public static final String BAD_REQUEST = "bad-request";
    public static final String UNKNOWN_METHOD = "unknown-method";
    public static final String NOT_CONNECTED = "not-connected";
    public static final String NOT_LOGGED_IN = "not-logged-in";
    public static final String UNKNOWN_PEER = "unknown-peer";
    public static final String TIMEOUT = "timeout";
    public static final String BAD_STATE = "bad-state";
    public static final String FAILED = "failed";

    private final String code;

    public ApiException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
