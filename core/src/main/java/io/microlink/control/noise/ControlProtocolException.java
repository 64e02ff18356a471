package io.microlink.control.noise;

import java.io.IOException;

/** The control server broke the ts2021 protocol, or refused us at its level. */
public class ControlProtocolException extends IOException {
    public ControlProtocolException(String message) {
        super(message);
    }

    public ControlProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
