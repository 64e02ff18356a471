package io.microlink;

import java.io.IOException;

/** The state directory or file cannot be used; the message says which file and why, never a key. */
public final class StateException extends IOException {
    public StateException(String message) {
        super(message);
    }
}
