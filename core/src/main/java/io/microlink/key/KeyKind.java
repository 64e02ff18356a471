package io.microlink.key;

import java.util.Locale;

/**
 * The roles a Curve25519 key plays in a tailnet, each with its own text prefix so that keys of
 * different roles can never be confused in configuration or on the wire.
 *
 * <pre>{@code
 * PublicKey key = PublicKey.parse(KeyKind.NODE, "nodekey:" + hex);
 * assert key.kind().publicPrefix().equals("nodekey:");
 * }</pre>
 */
public enum KeyKind {
    /** Identifies a machine to the control server (the Noise key of the control protocol). */
    MACHINE("mkey:"),
    /** Identifies a node to its peers; its private half is the WireGuard key. */
    NODE("nodekey:"),
    /** Authenticates the disco (path discovery) messages between peers. */
    DISCO("discokey:"),
    /** A one-off key the control server sends for the node to seal a challenge answer to. */
    CHALLENGE("chalpub:");

    private final String publicPrefix;

    KeyKind(String publicPrefix) {
        this.publicPrefix = publicPrefix;
    }

    /**
     * The prefix of this kind's public key text form, for example {@code "nodekey:"}.
     *
     * @return the prefix
     */
    public String publicPrefix() {
        return publicPrefix;
    }

    /** Lower-case name for messages and toString, for example {@code "node"}. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
