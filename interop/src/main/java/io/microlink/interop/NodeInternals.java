package io.microlink.interop;

import io.microlink.TailnetNode;
import io.microlink.dataplane.Dataplane;
import io.microlink.magicsock.Magicsock;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Reads a running node's internal counters for tests. The node's API keeps its data plane to
 * itself, and rightly: only tests that prove the node survives hostile input need to look in.
 * Core builds on the class path here, so reflection reaches it; a rename in core fails loudly.
 */
public final class NodeInternals {
    private NodeInternals() {}

    /**
     * What the node's socket dropped so far, by reason ({@link Magicsock#droppedInputs()}):
     * the WireGuard engine's refusals and the UDP and DERP inputs whose handling threw.
     *
     * @throws IllegalStateException before the node's data plane is up
     */
    public static Map<String, Long> droppedInputs(TailnetNode node) {
        Magicsock m = dataplane(node).magicsock();
        if (m == null) {
            throw new IllegalStateException("the node's data plane is not up yet");
        }
        return m.droppedInputs();
    }

    /** The sum of {@link #droppedInputs} over every reason. */
    public static long totalDropped(TailnetNode node) {
        return droppedInputs(node).values().stream().mapToLong(Long::longValue).sum();
    }

    private static Dataplane dataplane(TailnetNode node) {
        try {
            Field loopField = TailnetNode.class.getDeclaredField("loop");
            loopField.setAccessible(true);
            Object loop = loopField.get(node);
            Method dataplane = loop.getClass().getDeclaredMethod("dataplane");
            dataplane.setAccessible(true);
            return (Dataplane) dataplane.invoke(loop);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("TailnetNode's internals changed; update NodeInternals", e);
        }
    }
}
