package io.microlink.examples;

/** A run that could not do its job (not connected in time, no answer, no such peer): one line, exit code 1. */
final class ExampleFailure extends Exception {
    ExampleFailure(String message) {
        super(message);
    }
}
