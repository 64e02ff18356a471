package io.microlink.key;

import io.microlink.crypto.CryptoException;
import io.microlink.crypto.NaclBox;
import io.microlink.crypto.X25519;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A Curve25519 private key of a given {@link KeyKind}, with its public key. Machine and node
 * keys persist as {@code privkey:} plus hex, as Tailscale stores them; disco keys live only in
 * memory and refuse to serialize. Challenge keys belong to the control server, so a node never
 * holds one.
 *
 * <p>{@code toString()} shows only the kind and the public key's short form, and error messages
 * never include private key text, so a key cannot leak through logs.
 *
 * <pre>{@code
 * PrivateKey node = PrivateKey.generate(KeyKind.NODE);
 * String stored = node.toPersistentText();                 // "privkey:…"
 * PrivateKey again = PrivateKey.parse(KeyKind.NODE, stored);
 * byte[] sealed = node.boxTo(peerNodeKey).seal(message);
 * }</pre>
 */
public final class PrivateKey {
    static final String TEXT_PREFIX = "privkey:";

    private final KeyKind kind;
    private final byte[] key;
    private final PublicKey publicKey;

    private PrivateKey(KeyKind kind, byte[] key) {
        this.kind = kind;
        this.key = key;
        this.publicKey = PublicKey.of(kind, X25519.publicKey(key));
    }

    /**
     * Generates a fresh random (clamped) key; not for {@link KeyKind#CHALLENGE}.
     *
     * @param kind what the key is for
     * @return the new key
     */
    public static PrivateKey generate(KeyKind kind) {
        requireHoldable(kind);
        return new PrivateKey(kind, X25519.generatePrivateKey());
    }

    /**
     * Wraps 32 raw bytes (copied, not clamped: X25519 clamps when it uses them, and Go keeps the
     * bytes as given too); not for {@link KeyKind#CHALLENGE}.
     *
     * @param kind what the key is for
     * @param raw32 the 32 key bytes; copied
     * @return the key
     * @throws IllegalArgumentException if the length is wrong or all bytes are zero (Tailscale's
     *     "no key"; represent that as an absent key instead)
     */
    public static PrivateKey of(KeyKind kind, byte[] raw32) {
        requireHoldable(kind);
        Objects.requireNonNull(raw32, "raw32");
        if (raw32.length != KeyText.KEY_LENGTH) {
            throw new IllegalArgumentException(
                    kind.label() + " private key must be 32 bytes, got " + raw32.length);
        }
        requireNonZero(raw32, kind);
        return new PrivateKey(kind, raw32.clone());
    }

    /**
     * Parses the {@code privkey:} form of a machine or node key. Hex may be either case.
     *
     * @param kind what the key is for, which fixes the expected prefix
     * @param text the text form, e.g. {@code privkey:} and 64 hex digits
     * @return the key
     * @throws KeyFormatException if the text is malformed or all zero; the message never
     *     includes the text
     * @throws IllegalArgumentException for kinds without a private text form
     */
    public static PrivateKey parse(KeyKind kind, String text) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        if (kind != KeyKind.MACHINE && kind != KeyKind.NODE) {
            throw new IllegalArgumentException(kind.label()
                    + " private keys have no text form; only machine and node keys do");
        }
        byte[] raw = KeyText.parse(text, TEXT_PREFIX, kind.label() + " private key", true);
        requireNonZero(raw, kind);
        return new PrivateKey(kind, raw);
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
     * The public half, of the same kind.
     *
     * @return the public key
     */
    public PublicKey publicKey() {
        return publicKey;
    }

    /**
     * The {@code privkey:} text form for persisting machine and node keys.
     *
     * @return the text form; a secret, never to be logged
     * @throws IllegalStateException for disco keys, which have no text form in Go (only the peer
     *     cache keeps one, in a form of its own)
     */
    public String toPersistentText() {
        if (kind == KeyKind.DISCO) {
            throw new IllegalStateException("disco private keys are never serialized");
        }
        return KeyText.format(TEXT_PREFIX, key);
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
     * Precomputes a NaCl box between this key and a peer's public key of the same kind (or, for
     * a node key, a challenge key), as Tailscale's {@code SealTo}/{@code OpenFrom} use.
     *
     * @param peer the other side's public key
     * @return the box for messages between the two keys
     * @throws IllegalArgumentException if the peer's kind does not pair with this key's
     * @throws CryptoException if the peer's key is a low-order point, such as the zero key
     */
    public NaclBox boxTo(PublicKey peer) throws CryptoException {
        Objects.requireNonNull(peer, "peer");
        boolean pairs = peer.kind() == kind
                || (kind == KeyKind.NODE && peer.kind() == KeyKind.CHALLENGE);
        if (!pairs) {
            throw new IllegalArgumentException("a " + kind.label()
                    + " private key cannot box to a " + peer.kind().label() + " public key");
        }
        return NaclBox.precompute(key, peer.raw());
    }

    /** Shows the kind and public short form only, e.g. {@code PrivateKey[node, public=[LTJLB]]}. */
    @Override
    public String toString() {
        return "PrivateKey[" + kind.label() + ", public=" + publicKey.shortString() + "]";
    }

    /** Compares in constant time, so equality checks reveal nothing about the key bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PrivateKey other
                && kind == other.kind
                && MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        // Derived from the public key, which equal private keys share, so no secret bits leak.
        return publicKey.hashCode();
    }

    private static void requireHoldable(KeyKind kind) {
        Objects.requireNonNull(kind, "kind");
        if (kind == KeyKind.CHALLENGE) {
            throw new IllegalArgumentException("challenge private keys belong to the control "
                    + "server; a node holds only their public half");
        }
    }

    private static void requireNonZero(byte[] raw, KeyKind kind) {
        int acc = 0;
        for (byte b : raw) {
            acc |= b;
        }
        if (acc == 0) {
            throw new KeyFormatException(kind.label() + " private key is all zero, which "
                    + "Tailscale uses for \"no key\"");
        }
    }
}
