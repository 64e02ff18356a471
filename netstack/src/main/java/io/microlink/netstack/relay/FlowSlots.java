package io.microlink.netstack.relay;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The relayed connections or flows of each owner (a device, a peer), bounded per owner and in
 * all, and closed all at once when the owner goes. What a relay holds for the network is
 * bounded here: a peer that opens flows without end is refused once it holds its share, and
 * all peers together once the total is reached.
 *
 * <pre>{@code
 * FlowSlots<String, Socket> slots = new FlowSlots<>(256, 1024);
 * if (!slots.take("laptop", socket)) { socket.close(); }   // refused: over a limit
 * slots.release("laptop", socket);
 * }</pre>
 *
 * @param <K> what owns the items
 * @param <T> the items (connections, flows)
 */
public final class FlowSlots<K, T extends Closeable> {
    private final int perOwner;
    private final int total;
    private final Map<K, Set<T>> byOwner = new ConcurrentHashMap<>();
    /** Guarded by {@code this}: taken and released together with the owner's set. */
    private int held;

    /**
     * No slot taken yet.
     *
     * @param perOwner items one owner may hold at once
     * @param total    items all owners together may hold at once
     */
    public FlowSlots(int perOwner, int total) {
        if (perOwner < 1 || total < 1) {
            throw new IllegalArgumentException("limits must be positive, got " + perOwner + " and " + total);
        }
        this.perOwner = perOwner;
        this.total = total;
    }

    /**
     * Takes a slot of {@code owner} for {@code item}.
     *
     * @param owner who holds it
     * @param item  the connection or flow
     * @return false when the owner holds all its slots, or all owners all of theirs
     */
    public synchronized boolean take(K owner, T item) {
        Set<T> s = byOwner.computeIfAbsent(owner, k -> ConcurrentHashMap.newKeySet());
        if (s.size() >= perOwner || held >= total) {
            if (s.isEmpty()) {
                byOwner.remove(owner);
            }
            return false;
        }
        if (s.add(item)) {
            held++;
        }
        return true;
    }

    /**
     * Gives back the slot of {@code item}; nothing happens for an item that holds none.
     *
     * @param owner who held it
     * @param item  the connection or flow
     */
    public synchronized void release(K owner, T item) {
        Set<T> s = byOwner.get(owner);
        if (s != null && s.remove(item)) {
            held--;
            if (s.isEmpty()) {
                byOwner.remove(owner);
            }
        }
    }

    /**
     * Closes and forgets everything of {@code owner}.
     *
     * @param owner the owner that went
     */
    public void closeAll(K owner) {
        Set<T> s;
        synchronized (this) {
            s = byOwner.remove(owner);
            if (s == null) {
                return;
            }
            held -= s.size();
        }
        s.forEach(FlowSlots::closeQuietly);
    }

    /**
     * Closes and forgets every item {@code expired} picks, whoever owns it: for timers that end
     * idle connections and flows.
     *
     * @param expired true for an item to close
     * @return how many were closed
     */
    public int closeIf(Predicate<? super T> expired) {
        int closed = 0;
        for (Map.Entry<K, Set<T>> e : snapshot().entrySet()) {
            for (T item : e.getValue()) {
                if (expired.test(item)) {
                    closeQuietly(item);
                    release(e.getKey(), item);
                    closed++;
                }
            }
        }
        return closed;
    }

    private static void closeQuietly(Closeable item) {
        try {
            item.close();
        } catch (IOException e) {
            // closing is all that is wanted; a failure leaves nothing to undo
        }
    }

    /** Closes and forgets everything of every owner. */
    public void closeEverything() {
        for (K owner : Set.copyOf(byOwner.keySet())) {
            closeAll(owner);
        }
    }

    /**
     * Every owner's items: a snapshot, so items may be released while it is walked.
     *
     * @return owners and copies of their item sets
     */
    private synchronized Map<K, Set<T>> snapshot() {
        Map<K, Set<T>> out = new java.util.HashMap<>();
        byOwner.forEach((k, v) -> out.put(k, Set.copyOf(v)));
        return out;
    }

    /**
     * Items one owner holds.
     *
     * @param owner an owner
     * @return how many items it holds now
     */
    public int count(K owner) {
        Set<T> s = byOwner.get(owner);
        return s == null ? 0 : s.size();
    }

    /**
     * Items all owners hold.
     *
     * @return how many items all owners hold now
     */
    public synchronized int total() {
        return held;
    }
}
