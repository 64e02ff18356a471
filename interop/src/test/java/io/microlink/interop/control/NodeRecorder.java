package io.microlink.interop.control;

import io.microlink.NodeListener;
import io.microlink.NodeState;
import io.microlink.PeerEvent;
import io.microlink.interop.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Records what a node reports, for tests to wait on. */
final class NodeRecorder implements NodeListener {
    record StateChange(NodeState state, String detail) {}

    final List<StateChange> states = new CopyOnWriteArrayList<>();
    final List<PeerEvent> events = new CopyOnWriteArrayList<>();
    final List<String> loginUrls = new CopyOnWriteArrayList<>();

    @Override
    public void stateChanged(NodeState state, String detail) {
        states.add(new StateChange(state, detail));
    }

    @Override
    public void peerChanged(PeerEvent event) {
        events.add(event);
    }

    @Override
    public void loginUrl(String url) {
        loginUrls.add(url);
    }

    /** Waits for {@code state} to be reported at or after position {@code from} of the history. */
    StateChange awaitState(NodeState state, int from, Duration timeout) {
        return Await.result(timeout, () -> "node state " + state + " (seen: " + states + ")",
                () -> states.stream().skip(from).filter(s -> s.state() == state).findFirst().orElse(null));
    }

    /** Waits for a {@code kind} event about {@code hostname} at or after position {@code from}. */
    PeerEvent awaitEvent(PeerEvent.Kind kind, String hostname, int from, Duration timeout) {
        Predicate<PeerEvent> match = e -> e.kind() == kind && hostname.equals(e.peer().hostname());
        return Await.result(timeout, () -> kind + " event for " + hostname + " (seen: " + summary() + ")",
                () -> events.stream().skip(from).filter(match).findFirst().orElse(null));
    }

    private String summary() {
        return events.stream().map(e -> e.kind() + ":" + e.peer().fqdn()).toList() + "; states: " + states;
    }
}
