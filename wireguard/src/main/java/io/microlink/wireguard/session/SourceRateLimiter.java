package io.microlink.wireguard.session;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per source ({@link Endpoint#rateLimitKey()}, the IP address for UDP) for
 * handshake messages that passed the cookie check, so a single source cannot monopolise the
 * expensive Diffie-Hellman work. The table is bounded: when full, the least recently seen
 * source is forgotten. Thread-safe.
 */
final class SourceRateLimiter {
    private static final long SECOND = 1_000_000_000L;

    private final int perSecond;
    private final Map<Object, long[]> buckets;

    /** Each bucket is {tokens scaled by SECOND, last refill time}. */
    SourceRateLimiter(int perSecond, int maxSources) {
        this.perSecond = perSecond;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, long[]> eldest) {
                return size() > maxSources;
            }
        };
    }

    synchronized boolean allow(Object source, long nowNanos) {
        long capacity = perSecond * SECOND;
        long[] b = buckets.computeIfAbsent(source, k -> new long[] {capacity, nowNanos});
        b[0] = Math.min(capacity, b[0] + (nowNanos - b[1]) * perSecond);
        b[1] = nowNanos;
        if (b[0] < SECOND) {
            return false;
        }
        b[0] -= SECOND;
        return true;
    }

    synchronized int size() {
        return buckets.size();
    }
}
