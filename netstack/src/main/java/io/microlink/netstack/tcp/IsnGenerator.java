package io.microlink.netstack.tcp;

import java.security.SecureRandom;

/**
 * Initial sequence numbers per RFC 6528: ISN = M + F(local ip, local port, remote ip, remote
 * port, key), where M is a clock ticking every 4 µs and F is a {@link TupleHash}. Off-path
 * attackers cannot guess the ISN, and a new incarnation of a 4-tuple still starts above the
 * old one.
 *
 * <pre>{@code
 * IsnGenerator isn = new IsnGenerator(new SecureRandom());
 * int iss = isn.next(localIp, 49152, remoteIp, 80, nowNanos);
 * }</pre>
 */
final class IsnGenerator {
    private final TupleHash hash;

    IsnGenerator(SecureRandom random) {
        hash = new TupleHash(random);
    }

    int next(byte[] localIp, int localPort, byte[] remoteIp, int remotePort, long nowNanos) {
        int f = (int) (hash.of(localIp, localPort, remoteIp, remotePort) >>> 32);
        return f + (int) (nowNanos / 4_000);
    }
}
