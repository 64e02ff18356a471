package io.microlink.daemon.cli;

/** The command line itself is wrong (unknown flag, missing argument, bad number): exit code 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
