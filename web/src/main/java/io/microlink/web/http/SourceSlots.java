package io.microlink.web.http;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections open per caller address on one listener, capped, so one caller (a tailnet peer
 * holding sockets open, or trickling heads) cannot take every slot of the listener and lock
 * out the node's owner. An address leaves the table when its last connection ends.
 */
final class SourceSlots {
    private final int maxPerSource;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    SourceSlots(int maxPerSource) {
        this.maxPerSource = maxPerSource;
    }

    /** Takes a slot for {@code source}; false when it already holds its share. */
    boolean tryAcquire(InetAddress source) {
        boolean[] taken = {false};
        open.compute(source, (a, n) -> {
            int held = n == null ? 0 : n;
            if (held >= maxPerSource) {
                return n;
            }
            taken[0] = true;
            return held + 1;
        });
        return taken[0];
    }

    void release(InetAddress source) {
        open.computeIfPresent(source, (a, n) -> n <= 1 ? null : n - 1);
    }
}
