package io.microlink.control;

import io.microlink.control.noise.ControlProtocolException;

/** Control answered a request with an HTTP error status. */
public final class ControlHttpException extends ControlProtocolException {
    private final int status;

    ControlHttpException(String request, int status, String body) {
        super(request + " answered HTTP " + status + (body.isBlank() ? "" : ": " + body.strip()));
        this.status = status;
    }

    public int status() {
        return status;
    }
}
