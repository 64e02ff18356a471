package io.microlink.disco;

/** A DISCO packet that is not for us, does not open, or does not parse; drop it. */
public final class DiscoException extends Exception {
    public DiscoException(String message) {
        super(message);
    }
}
