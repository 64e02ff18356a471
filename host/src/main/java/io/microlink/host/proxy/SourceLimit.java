package io.microlink.host.proxy;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many clients each source address has in one phase (for the proxies: their handshake),
 * capped per address. An address is remembered only while it has a client counted, so the map
 * never holds more addresses than there are connections.
 */
final class SourceLimit {
    private final int max;
    private final ConcurrentHashMap<InetAddress, Integer> counts = new ConcurrentHashMap<>();

    SourceLimit(int max) {
        this.max = max;
    }

    /** Counts one more client of {@code source}, unless it has {@code max} already. */
    boolean tryAcquire(InetAddress source) {
        boolean[] counted = {false};
        counts.compute(source, (a, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            counted[0] = true;
            return now + 1;
        });
        return counted[0];
    }

    /** One client of {@code source} left the phase. */
    void release(InetAddress source) {
        counts.computeIfPresent(source, (a, n) -> n <= 1 ? null : n - 1);
    }

    /** Clients of {@code source} counted now. */
    int count(InetAddress source) {
        return counts.getOrDefault(source, 0);
    }
}
