package io.microlink.dns;

import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Forwarded answers kept within their TTL, bounded in entries and bytes; the least recently
 * used goes first. Not thread-safe: the forwarder that owns it serializes calls. Time is the
 * caller's monotonic nanoseconds.
 */
final class ForwardCache {
    /**
     * One question as a cache tells questions apart: the DO and CD bits change what an upstream
     * puts in the answer, and the upstreams asked are part of it so a route change takes effect.
     */
    record Key(String name, int type, int dnsClass, boolean dnssecOk, boolean checkingDisabled,
               List<InetSocketAddress> upstreams) {}

    /** An answer and how old it is: the caller ages its TTLs by that. */
    record Hit(ForwardedAnswer answer, long agedSeconds) {}

    private record Entry(ForwardedAnswer answer, long storedAt, long expiresAt) {}

    private final int maxEntries;
    private final long maxBytes;
    private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    ForwardCache(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    Optional<Hit> get(Key key, long nowNanos) {
        Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (nowNanos - e.expiresAt >= 0) {
            remove(key);
            return Optional.empty();
        }
        return Optional.of(new Hit(e.answer, (nowNanos - e.storedAt) / 1_000_000_000L));
    }

    /** Keeps {@code answer} for its {@link ForwardedAnswer#cacheSeconds}, if any. */
    void put(Key key, ForwardedAnswer answer, long nowNanos) {
        long seconds = answer.cacheSeconds();
        if (seconds <= 0 || answer.length() > maxBytes) {
            return;
        }
        remove(key);
        entries.put(key, new Entry(answer, nowNanos, nowNanos + seconds * 1_000_000_000L));
        bytes += answer.length();
        Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
        while (entries.size() > maxEntries || bytes > maxBytes) {
            bytes -= eldest.next().getValue().answer.length();
            eldest.remove();
        }
    }

    int size() {
        return entries.size();
    }

    private void remove(Key key) {
        Entry old = entries.remove(key);
        if (old != null) {
            bytes -= old.answer.length();
        }
    }
}
