package io.microlink.wireguard.session;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the engine dropped and why, and the handshake events worth watching. Every packet the
 * engine refuses is counted under exactly one reason, never thrown.
 */
public final class Counters {
    /** Why a packet was dropped or what happened. */
    public enum Event {
        DROPPED_MALFORMED, DROPPED_UNKNOWN_TYPE, DROPPED_INVALID_MAC1, DROPPED_HANDSHAKE_FAILED,
        DROPPED_UNKNOWN_PEER, DROPPED_INITIATION_REPLAY, DROPPED_INITIATION_FLOOD, DROPPED_RATE_LIMITED,
        DROPPED_UNKNOWN_INDEX, DROPPED_EXPIRED_KEY, DROPPED_REPLAY, DROPPED_AUTH_FAILED,
        DROPPED_SOURCE_NOT_ALLOWED, DROPPED_NO_ROUTE, DROPPED_NO_ENDPOINT, DROPPED_STAGED_OVERFLOW,
        DROPPED_INVALID_COOKIE, COOKIE_REPLIES_SENT, COOKIES_RECEIVED, HANDSHAKES_COMPLETED,
        KEEPALIVES_RECEIVED, SESSIONS_EVICTED
    }

    private final LongAdder[] adders = new LongAdder[Event.values().length];

    public Counters() {
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
    }

    void add(Event e) {
        adders[e.ordinal()].increment();
    }

    public long get(Event e) {
        return adders[e.ordinal()].sum();
    }

    /** Non-zero counters by name, for logs and status output. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Event e : Event.values()) {
            long v = get(e);
            if (v != 0) {
                out.put(e.name().toLowerCase(java.util.Locale.ROOT), v);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
