package io.microlink;

/** Control will not let the node in with what it has; the node waits for a new auth key. */
final class LoginRequiredException extends Exception {
    LoginRequiredException(String message) {
        super(message);
    }
}
