package io.microlink.daemon.cli;

/**
 * A command that could not do its job for a reason the user can act on (daemon not running,
 * not logged in, unknown peer): printed as one line on stderr, no stack trace.
 */
public final class CliException extends Exception {
    /** Exit code for failures of the command. */
    public static final int FAILED = 1;
    /** Exit code (sysexits' EX_CONFIG) for a state directory the daemon cannot use; systemd does not restart on it. */
    public static final int BAD_STATE = 78;

    private final int exitCode;
    private final String code;

    public CliException(String message) {
        this(message, FAILED);
    }

    public CliException(String message, int exitCode) {
        this(message, exitCode, null);
    }

    /** A refusal from the daemon, with its error code (see {@link io.microlink.daemon.api.ApiException}). */
    public CliException(String message, int exitCode, String code) {
        super(message);
        this.exitCode = exitCode;
        this.code = code;
    }

    /** The daemon's error code, e.g. {@code timeout}; null for failures on the CLI's side. */
    public String code() {
        return code;
    }

    public int exitCode() {
        return exitCode;
    }
}
