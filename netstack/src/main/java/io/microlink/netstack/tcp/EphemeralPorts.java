package io.microlink.netstack.tcp;

import java.security.SecureRandom;
import java.util.function.IntPredicate;

/**
 * Chooses the local port of an active open by the double-hash algorithm of RFC 6056 §3.3.4,
 * as Linux does. A keyed hash of the destination (local address, remote address and
 * port) gives it a secret starting point in the range 49152-65535 and, from other bits, one
 * counter of a table, which moves on past each port tried; so successive connections to one
 * destination take successive ports, and a port pair comes back only after the whole range
 * has been used towards that destination.
 *
 * <p>Why not a random port each time: the peer, when it closed first, keeps the port pair in
 * TIME-WAIT for a while (60 s in gVisor), and a random choice picks one of those pairs again
 * now and then (at two connections a second to one peer, about one dial in 150). gVisor, the
 * stack of tailscaled in userspace mode, drops a SYN on such a pair unless a listening socket
 * could take it over, and tailscaled's forwarder has none: every retry is dropped until
 * TIME-WAIT ends, so the dial times out.
 *
 * <pre>{@code
 * EphemeralPorts ports = new EphemeralPorts(new SecureRandom());
 * int port = ports.pick(localIp, remoteIp, 443, p -> !inUse(p)); // -1: none free
 * }</pre>
 */
final class EphemeralPorts {
    static final int FIRST = 49152;
    static final int COUNT = 65536 - FIRST;
    /**
     * Counters in the table. Destinations that share one only make each other skip ports;
     * more counters hide better from a peer how many connections went elsewhere.
     */
    private static final int COUNTERS = 1024;

    private final TupleHash hash;
    /** Each in [0, COUNT): how far past its starting point a destination's next port lies. */
    private final int[] counters = new int[COUNTERS];

    EphemeralPorts(SecureRandom random) {
        hash = new TupleHash(random);
    }

    /** The next port towards the destination for which {@code free} holds, or -1 when none does. */
    int pick(byte[] localIp, byte[] remoteIp, int remotePort, IntPredicate free) {
        // The local port is what is being chosen, so it is no part of the hashed tuple.
        long h = hash.of(localIp, 0, remoteIp, remotePort);
        int start = (int) ((h >>> 32) % COUNT);
        int counter = (int) (h & (COUNTERS - 1));
        for (int i = 0; i < COUNT; i++) {
            int port = FIRST + (start + counters[counter]) % COUNT;
            counters[counter] = (counters[counter] + 1) % COUNT;
            if (free.test(port)) {
                return port;
            }
        }
        return -1;
    }
}
