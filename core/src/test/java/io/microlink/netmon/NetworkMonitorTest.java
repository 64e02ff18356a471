package io.microlink.netmon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The monitor's thread against a network the test changes. */
class NetworkMonitorTest {
    private final AtomicReference<NetworkState> network = new AtomicReference<>(ChangeDetectorTest.HOME);
    private final LinkedBlockingQueue<NetworkChange> changes = new LinkedBlockingQueue<>();

    @Test
    void aPokeReadsTheNetworkAtOnceRatherThanAtTheNextPoll() throws Exception {
        try (NetworkMonitor m = NetworkMonitor.start(network::get, changes::add, Duration.ofHours(1),
                Duration.ofMillis(50), Duration.ofSeconds(3))) {
            network.set(ChangeDetectorTest.CAFE);
            m.poke();
            NetworkChange c = changes.poll(10, TimeUnit.SECONDS);
            assertThat(c).isNotNull();
            assertThat(c.after()).isEqualTo(ChangeDetectorTest.CAFE);
        }
    }

    @Test
    void aChangeHeldForTheSettleTimeIsReportedWithoutAnotherPoke() throws Exception {
        try (NetworkMonitor m = NetworkMonitor.start(network::get, changes::add, Duration.ofHours(1),
                Duration.ofMillis(200), Duration.ofSeconds(3))) {
            network.set(NetworkState.EMPTY);
            m.poke();
            assertThat(changes.poll(10, TimeUnit.SECONDS)).isNotNull();
            network.set(ChangeDetectorTest.CAFE);
            m.poke(); // inside the settle time: held, then reported when it ends
            NetworkChange settled = changes.poll(10, TimeUnit.SECONDS);
            assertThat(settled).isNotNull();
            assertThat(settled.after()).isEqualTo(ChangeDetectorTest.CAFE);
        }
    }

    @Test
    void aListenerThatThrowsDoesNotEndTheWatch() throws Exception {
        int[] calls = {0};
        try (NetworkMonitor m = NetworkMonitor.start(network::get, c -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("first one fails");
            }
            changes.add(c);
        }, Duration.ofMillis(20), Duration.ZERO, Duration.ofSeconds(3))) {
            network.set(ChangeDetectorTest.CAFE);
            m.poke();
            Thread.sleep(200);
            network.set(ChangeDetectorTest.HOME);
            NetworkChange c = changes.poll(10, TimeUnit.SECONDS);
            assertThat(c).isNotNull();
            assertThat(c.after()).isEqualTo(ChangeDetectorTest.HOME);
        }
    }
}
