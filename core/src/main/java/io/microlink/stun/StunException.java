package io.microlink.stun;

/** A UDP payload that is not the STUN answer we wait for; drop it. */
public final class StunException extends Exception {
    public StunException(String message) {
        super(message);
    }
}
