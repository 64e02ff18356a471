package io.microlink;

/** The library's version, as reported to control in Hostinfo. */
final class Version {
    static final String VERSION = "0.1.0";

    private Version() {}
}
