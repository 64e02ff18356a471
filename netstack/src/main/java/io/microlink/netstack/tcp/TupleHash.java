package io.microlink.netstack.tcp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * A keyed hash of a connection's addresses and ports: SHA-256 over them and a 128-bit secret
 * from {@link SecureRandom}, so that someone who sees the outputs for their own connections
 * learns nothing about those of others. Each user keeps its own instance, hence its own key.
 *
 * <pre>{@code
 * TupleHash h = new TupleHash(new SecureRandom());
 * long bits = h.of(localIp, 49152, remoteIp, 80);
 * }</pre>
 */
final class TupleHash {
    private final byte[] key = new byte[16];
    private final MessageDigest sha256;

    TupleHash(SecureRandom random) {
        random.nextBytes(key);
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** 64 bits of the keyed hash of the tuple. */
    long of(byte[] localIp, int localPort, byte[] remoteIp, int remotePort) {
        sha256.update(localIp);
        sha256.update((byte) (localPort >>> 8));
        sha256.update((byte) localPort);
        sha256.update(remoteIp);
        sha256.update((byte) (remotePort >>> 8));
        sha256.update((byte) remotePort);
        byte[] digest = sha256.digest(key);
        long bits = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            bits = bits << 8 | (digest[i] & 0xff);
        }
        return bits;
    }
}
