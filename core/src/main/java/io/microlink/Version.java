package io.microlink;

/** The library's version, as reported to control in Hostinfo. */
public final class Version {
    /** This library's version. */
    public static final String VERSION = "0.1.0";

    private Version() {}
}
