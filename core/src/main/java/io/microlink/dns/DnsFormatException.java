package io.microlink.dns;

/** Bytes that are not a well-formed DNS message (RFC 1035): truncated, looping, or over a limit. */
public final class DnsFormatException extends Exception {
    public DnsFormatException(String message) {
        super(message);
    }
}
