package io.microlink.crypto;

import java.util.Objects;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.Mac;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * BLAKE2s (RFC 7693) in the three shapes WireGuard's handshake needs: the plain 256-bit hash,
 * the keyed 128-bit MAC of its mac1/mac2 fields, and HMAC-BLAKE2s for Noise's HKDF. Each
 * function hashes the concatenation of its {@code parts}, so callers need not copy them into
 * one buffer.
 *
 * <pre>{@code
 * byte[] h = Blake2s.hash(hashSoFar, message);
 * byte[] mac1 = Blake2s.mac128(macKey, messageUpToMac1);
 * byte[] t = Blake2s.hmac(chainingKey, inputKeyMaterial);
 * }</pre>
 */
public final class Blake2s {
    /** Output length of {@link #hash} and {@link #hmac}. */
    public static final int HASH_LENGTH = 32;
    /** Output length of {@link #mac128}. */
    public static final int MAC128_LENGTH = 16;
    /** The longest key BLAKE2s accepts for its keyed mode. */
    public static final int MAX_KEY_LENGTH = 32;

    private Blake2s() {}

    /**
     * BLAKE2s-256 of the concatenated parts.
     *
     * @param parts the input, hashed as if concatenated
     * @return the 32-byte hash
     */
    public static byte[] hash(byte[]... parts) {
        return finish(new Blake2sDigest(HASH_LENGTH * 8), HASH_LENGTH, parts);
    }

    /**
     * BLAKE2s keyed with {@code key} (1 to 32 bytes) and a 16-byte output, of the concatenated
     * parts. The key goes into the BLAKE2s parameter block; this is not HMAC.
     *
     * @param key the key, 1 to 32 bytes
     * @param parts the input, hashed as if concatenated
     * @return the 16-byte MAC
     */
    public static byte[] mac128(byte[] key, byte[]... parts) {
        Objects.requireNonNull(key, "BLAKE2s MAC key");
        if (key.length < 1 || key.length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "BLAKE2s MAC key must be 1 to 32 bytes, got " + key.length);
        }
        return finish(new Blake2sDigest(key, MAC128_LENGTH, null, null), MAC128_LENGTH, parts);
    }

    /**
     * HMAC (RFC 2104) over BLAKE2s-256 with its 64-byte block, of the concatenated parts.
     *
     * @param key the HMAC key
     * @param parts the input, hashed as if concatenated
     * @return the 32-byte HMAC
     */
    public static byte[] hmac(byte[] key, byte[]... parts) {
        Objects.requireNonNull(key, "HMAC-BLAKE2s key");
        Mac mac = new HMac(new Blake2sDigest(HASH_LENGTH * 8));
        mac.init(new KeyParameter(key));
        for (byte[] part : parts) {
            mac.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        mac.doFinal(out, 0);
        return out;
    }

    private static byte[] finish(Digest digest, int length, byte[][] parts) {
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[length];
        digest.doFinal(out, 0);
        return out;
    }
}
