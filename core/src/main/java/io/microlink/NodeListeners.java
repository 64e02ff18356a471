package io.microlink;

import io.microlink.netstack.DroppedInput;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The application's {@link NodeListener}s, called on the control loop's thread. A listener that
 * throws is the application's bug: it must not end the control session (the loop would start
 * it again and get the same callback again), nor keep the other listeners from hearing the
 * news. So each call is alone, and a failure is counted and logged at most once per interval.
 */
final class NodeListeners {
    private static final System.Logger LOG = System.getLogger("io.microlink");

    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
    private final DroppedInput failures = new DroppedInput(LOG, "NodeListener call");

    void add(NodeListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    /** Calls {@code call} on each listener in turn; one that throws is counted and the next is called. */
    void each(Consumer<NodeListener> call) {
        for (NodeListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                failures.record(e);
            }
        }
    }

    /** Listener calls that threw. */
    long failures() {
        return failures.total();
    }
}
