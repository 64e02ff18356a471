package io.microlink.derp;

import java.io.IOException;

/** The DERP server broke the protocol or refused us. */
public class DerpProtocolException extends IOException {
    public DerpProtocolException(String message) {
        super(message);
    }

    public DerpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
