package io.microlink.netstack.tcp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Initial sequence numbers per RFC 6528: ISN = M + F(local ip, local port, remote ip, remote
 * port, key), where M is a clock ticking every 4 µs and F is SHA-256 over the 4-tuple and a
 * 128-bit secret from {@link SecureRandom}. Off-path attackers cannot guess the ISN, and a new
 * incarnation of a 4-tuple still starts above the old one.
 *
 * <pre>{@code
 * IsnGenerator isn = new IsnGenerator(new SecureRandom());
 * int iss = isn.next(localIp, 49152, remoteIp, 80, nowNanos);
 * }</pre>
 */
final class IsnGenerator {
    private final byte[] key = new byte[16];
    private final MessageDigest sha256;

    IsnGenerator(SecureRandom random) {
        random.nextBytes(key);
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    int next(byte[] localIp, int localPort, byte[] remoteIp, int remotePort, long nowNanos) {
        sha256.update(localIp);
        sha256.update((byte) (localPort >>> 8));
        sha256.update((byte) localPort);
        sha256.update(remoteIp);
        sha256.update((byte) (remotePort >>> 8));
        sha256.update((byte) remotePort);
        byte[] digest = sha256.digest(key);
        int f = ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8) | (digest[3] & 0xff);
        return f + (int) (nowNanos / 4_000);
    }
}
