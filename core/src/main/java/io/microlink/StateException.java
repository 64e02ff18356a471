package io.microlink;

import java.io.IOException;

/** The state directory or file cannot be used; the message says which file and why, never a key. */
public final class StateException extends IOException {
    /**
     * A state directory problem, told in words a user can act on.
     *
     * @param message what is wrong and what to do
     */
    public StateException(String message) {
        super(message);
    }
}
