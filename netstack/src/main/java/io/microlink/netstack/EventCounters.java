package io.microlink.netstack;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One counter per constant of an enum of events, added to from any thread without contention
 * (the receive paths count every packet they refuse). The WireGuard engine's and the LOPOWER
 * bridge's counters are made of it.
 *
 * <pre>{@code
 * EventCounters<Event> counts = new EventCounters<>(Event.class);
 * counts.add(Event.DROPPED_MALFORMED);
 * counts.snapshot(); // {dropped_malformed=1}
 * }</pre>
 *
 * @param <E> the events counted
 */
public final class EventCounters<E extends Enum<E>> {
    private final E[] events;
    private final LongAdder[] adders;

    /**
     * All counters at zero.
     *
     * @param type the enum whose constants are counted
     */
    public EventCounters(Class<E> type) {
        this.events = type.getEnumConstants();
        this.adders = new LongAdder[events.length];
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
    }

    /**
     * Counts one event.
     *
     * @param e the event
     */
    public void add(E e) {
        adders[e.ordinal()].increment();
    }

    /**
     * Counts {@code n} events at once.
     *
     * @param e the event
     * @param n how many happened
     */
    public void add(E e, long n) {
        adders[e.ordinal()].add(n);
    }

    /**
     * One counter.
     *
     * @param e the event
     * @return how often it happened
     */
    public long get(E e) {
        return adders[e.ordinal()].sum();
    }

    /**
     * Non-zero counters by name, for logs and status output.
     *
     * @return lower-case event names to counts, in the enum's order
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (E e : events) {
            long v = get(e);
            if (v != 0) {
                out.put(e.name().toLowerCase(Locale.ROOT), v);
            }
        }
        return out;
    }
}
