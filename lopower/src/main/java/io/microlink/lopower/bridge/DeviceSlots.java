package io.microlink.lopower.bridge;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relayed connections or flows of each device, bounded per device, and closed all at once
 * when the device is removed.
 */
final class DeviceSlots<T extends Closeable> {
    private final int perDevice;
    private final Map<String, Set<T>> byDevice = new ConcurrentHashMap<>();

    DeviceSlots(int perDevice) {
        this.perDevice = perDevice;
    }

    /** Takes a slot of {@code device} for {@code item}; false when the device has all its slots taken. */
    boolean take(String device, T item) {
        boolean[] ok = {false};
        byDevice.compute(device, (k, set) -> {
            Set<T> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            if (s.size() < perDevice) {
                s.add(item);
                ok[0] = true;
            }
            return s;
        });
        return ok[0];
    }

    /** Gives back the slot of {@code item}. */
    void release(String device, T item) {
        byDevice.computeIfPresent(device, (k, s) -> {
            s.remove(item);
            return s.isEmpty() ? null : s;
        });
    }

    /** Closes and forgets everything of {@code device}. */
    void closeAll(String device) {
        Set<T> s = byDevice.remove(device);
        if (s != null) {
            for (T item : s) {
                try {
                    item.close();
                } catch (IOException e) {
                    // closing is all that is wanted; a failure leaves nothing to undo
                }
            }
        }
    }

    /** Every device's items, for timers and shutdown. */
    Iterable<Map.Entry<String, Set<T>>> entries() {
        return byDevice.entrySet();
    }

    int count(String device) {
        Set<T> s = byDevice.get(device);
        return s == null ? 0 : s.size();
    }
}
