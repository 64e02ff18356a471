package io.microlink.examples;

/** A command line the example cannot run: printed as one line with a pointer to {@code --help}, exit code 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
