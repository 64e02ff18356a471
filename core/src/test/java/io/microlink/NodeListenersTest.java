package io.microlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** An application listener that throws neither reaches the control loop nor silences the other listeners. */
class NodeListenersTest {
    @Test
    void aListenerThatThrowsIsCountedAndTheOthersStillHear() {
        NodeListeners listeners = new NodeListeners();
        List<String> heard = new CopyOnWriteArrayList<>();
        listeners.add(new NodeListener() {
            @Override
            public void stateChanged(NodeState state, String detail) {
                throw new IllegalStateException("the application's bug");
            }
        });
        listeners.add(new NodeListener() {
            @Override
            public void stateChanged(NodeState state, String detail) {
                heard.add(detail);
            }
        });
        for (int i = 0; i < 100; i++) {
            String detail = "event " + i;
            listeners.each(l -> l.stateChanged(NodeState.CONNECTED, detail)); // never throws
        }
        assertThat(heard).hasSize(100).startsWith("event 0").endsWith("event 99");
        assertThat(listeners.failures()).isEqualTo(100);
    }
}
