package io.microlink.key;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable Curve25519 public key of a given {@link KeyKind}, with Tailscale's text forms:
 * {@code toString()} is the prefixed hex form ({@code nodekey:…}) used in configuration and
 * the control protocol's JSON, {@link #shortString()} the abbreviation used in logs.
 *
 * <pre>{@code
 * PublicKey peer = PublicKey.parse("nodekey:2d324b06…");   // kind taken from the prefix
 * log.info("peer " + peer.shortString());                  // "peer [LTJLB]"
 * }</pre>
 */
public final class PublicKey {
    private static final HexFormat HEX = HexFormat.of();

    private final KeyKind kind;
    private final byte[] key;

    private PublicKey(KeyKind kind, byte[] key) {
        this.kind = kind;
        this.key = key;
    }

    /**
     * Wraps 32 raw bytes (copied).
     *
     * @param kind what the key is for
     * @param raw32 the 32 key bytes
     * @return the key
     */
    public static PublicKey of(KeyKind kind, byte[] raw32) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(raw32, "raw32");
        if (raw32.length != KeyText.KEY_LENGTH) {
            throw new IllegalArgumentException(
                    kind.label() + " public key must be 32 bytes, got " + raw32.length);
        }
        return new PublicKey(kind, raw32.clone());
    }

    /**
     * Parses {@code prefix + 64 hex digits} for the expected kind; hex may be either case, the
     * prefix must be lower case, as in Go.
     *
     * @param expected the kind the text must have
     * @param text the text form, e.g. {@code nodekey:} and 64 hex digits
     * @return the key
     * @throws KeyFormatException if the prefix, length or digits are wrong
     */
    public static PublicKey parse(KeyKind expected, String text) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(text, "text");
        String what = expected.label() + " public key";
        return new PublicKey(expected, KeyText.parse(text, expected.publicPrefix(), what, false));
    }

    /**
     * Parses a public key of any kind, taking the kind from the prefix.
     *
     * @param text the text form
     * @return the key
     * @throws KeyFormatException if no kind's prefix matches, or the rest is malformed
     */
    public static PublicKey parse(String text) {
        Objects.requireNonNull(text, "text");
        for (KeyKind kind : KeyKind.values()) {
            if (text.startsWith(kind.publicPrefix())) {
                return parse(kind, text);
            }
        }
        throw new KeyFormatException("public key text must start with one of mkey:, nodekey:, "
                + "discokey:, chalpub:, " + KeyText.describePrefix(text));
    }

    /**
     * What this key is for.
     *
     * @return its kind
     */
    public KeyKind kind() {
        return kind;
    }

    /**
     * The 32 raw bytes, as a fresh copy.
     *
     * @return a copy of the 32 key bytes
     */
    public byte[] raw() {
        return key.clone();
    }

    /**
     * Whether all 32 bytes are zero, which Tailscale uses to mean "no key".
     *
     * @return {@code true} for the zero key
     */
    public boolean isZero() {
        for (byte b : key) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The abbreviation Tailscale prints in logs, so that logs of both implementations can be
     * read side by side: {@code [XXXXX]} (the first five standard base64 characters of the key)
     * for machine, node and challenge keys, {@code d:} and the first 8 bytes in hex for disco
     * keys, and the empty string for a zero key.
     *
     * @return the short form
     */
    public String shortString() {
        if (isZero()) {
            return "";
        }
        if (kind == KeyKind.DISCO) {
            return "d:" + HEX.formatHex(key, 0, 8);
        }
        // Five base64 characters encode 30 bits, all within the first four bytes.
        String base64 = Base64.getEncoder().encodeToString(Arrays.copyOf(key, 4));
        return "[" + base64.substring(0, 5) + "]";
    }

    /** The text form, e.g. {@code nodekey:} followed by 64 lower-case hex digits. */
    @Override
    public String toString() {
        return KeyText.format(kind.publicPrefix(), key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey other && kind == other.kind && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + Arrays.hashCode(key);
    }
}
