package io.microlink.derp;

/**
 * The relay (or something in front of it) answered the upgrade request with an ordinary HTTP
 * response instead of switching protocols: the connection is still HTTP, and another way of
 * asking (a WebSocket instead of {@code Upgrade: DERP}) may succeed.
 */
public final class UpgradeRefusedException extends DerpProtocolException {
    UpgradeRefusedException(String message) {
        super(message);
    }
}
