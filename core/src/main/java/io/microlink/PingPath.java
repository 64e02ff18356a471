package io.microlink;

/** Which paths a ping may take. */
public enum PingPath {
    /** Only through the DERP relay (always works when the peer is online). */
    DERP,
    /** Through the relay and to every UDP endpoint the peer advertises; the first answer wins. */
    ANY
}
