package io.microlink.wireguard.config;

import java.util.Arrays;
import java.util.Base64;

/**
 * A 32-byte WireGuard key in its base64 text form. {@link #toString()} never shows a secret:
 * private and preshared keys print as "(hidden)".
 *
 * <pre>{@code
 * WireGuardKey pub = WireGuardKey.parse("xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=", false);
 * }</pre>
 */
public final class WireGuardKey {
    private final byte[] bytes;
    private final boolean secret;

    private WireGuardKey(byte[] bytes, boolean secret) {
        this.bytes = bytes;
        this.secret = secret;
    }

    /**
     * Parses base64 text. The exception message never contains the text, since a private key
     * with a typo is still mostly a private key.
     *
     * @param text 44 characters of base64
     * @param secret whether the key is private or preshared, so that it never shows in text
     * @return the key
     * @throws IllegalArgumentException if the text is not a base64 32-byte key
     */
    public static WireGuardKey parse(String text, boolean secret) {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not valid base64 (" + text.strip().length() + " characters)");
        }
        if (b.length != 32) {
            throw new IllegalArgumentException("a key is 32 bytes, this one decodes to " + b.length);
        }
        return new WireGuardKey(b, secret);
    }

    /**
     * Wraps 32 raw bytes (copied).
     *
     * @param bytes the key bytes
     * @param secret whether the key is private or preshared, so that it never shows in text
     * @return the key
     * @throws IllegalArgumentException if there are not 32 bytes
     */
    public static WireGuardKey of(byte[] bytes, boolean secret) {
        if (bytes.length != 32) {
            throw new IllegalArgumentException("a key is 32 bytes, got " + bytes.length);
        }
        return new WireGuardKey(bytes.clone(), secret);
    }

    /**
     * The raw key.
     *
     * @return a copy of the 32 bytes
     */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * The key as wg writes it.
     *
     * @return 44 characters of base64; for a secret key, a secret too
     */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WireGuardKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return secret ? "(hidden)" : toBase64();
    }
}
