package io.microlink.portmap;

import java.io.IOException;

/** A gateway's answer that is not a well-formed port-mapping response. */
public final class PortMapProtocolException extends IOException {
    public PortMapProtocolException(String message) {
        super(message);
    }
}
