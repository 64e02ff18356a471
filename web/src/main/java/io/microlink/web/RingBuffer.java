package io.microlink.web;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} values added, oldest first: a full buffer overwrites its oldest
 * value, so it never holds more. Thread-safe; {@link #snapshot()} copies.
 */
final class RingBuffer<T> {
    private final Object[] slots;
    /** Where the next value goes. */
    private int next;
    private int size;

    RingBuffer(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        slots = new Object[capacity];
    }

    synchronized void add(T value) {
        slots[next] = value;
        next = (next + 1) % slots.length;
        size = Math.min(size + 1, slots.length);
    }

    /** The values, oldest first. */
    @SuppressWarnings("unchecked") // only add() writes the slots, and only Ts
    synchronized List<T> snapshot() {
        List<T> out = new ArrayList<>(size);
        int first = (next - size + slots.length) % slots.length;
        for (int i = 0; i < size; i++) {
            out.add((T) slots[(first + i) % slots.length]);
        }
        return out;
    }

    int capacity() {
        return slots.length;
    }
}
