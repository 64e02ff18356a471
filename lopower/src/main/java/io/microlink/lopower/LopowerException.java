package io.microlink.lopower;

/**
 * A mistake or a condition the person running the bridge can act on (a malformed key, a name
 * taken, a full address pool, a port in use). The message is one line meant for them; it never
 * holds a secret.
 */
public final class LopowerException extends Exception {
    private static final long serialVersionUID = 1L;

    public LopowerException(String message) {
        super(message);
    }
}
