package io.microlink.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.UplinkStatus;
import io.microlink.control.wire.DerpMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The checker threads with a scripted probe: the switch reaches every listener, once, and failback waits. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class UplinksTest {
    private static final DerpMap MAP = new DerpMap(Map.of());
    private static final Duration CHECK = Duration.ofMillis(20);
    private static final Duration FAILBACK = Duration.ofMillis(300);

    private volatile boolean wifiDead;
    private final List<UplinkSelector.Switch> seen = new CopyOnWriteArrayList<>();

    @Test
    void aFailingPreferredUplinkSwitchesEveryListenerOverAndFailbackWaitsForTheHysteresis() throws Exception {
        Uplinks.Probe probe = (device, map, home, timeout) -> device.equals("wlan0") && wifiDead ? "dead" : null;
        try (Uplinks uplinks = new Uplinks(new Uplinks.Settings(List.of("wlan0", "wwan0"), CHECK, FAILBACK), probe,
                to -> null)) {
            List<UplinkSelector.Switch> second = new CopyOnWriteArrayList<>();
            uplinks.onSwitch(seen::add);
            uplinks.onSwitch(s -> {
                throw new IllegalStateException("a listener's bug"); // must not stop the checker or the others
            });
            uplinks.onSwitch(second::add);
            uplinks.start(() -> MAP, () -> 1);
            await(() -> uplinks.statuses().stream().allMatch(u -> u.health() == UplinkStatus.Health.UP));
            assertThat(uplinks.active()).isEqualTo("wlan0");

            wifiDead = true;
            await(() -> second.size() == 1); // the last listener: all have been told
            assertThat(seen.getFirst().to()).isEqualTo("wwan0");
            assertThat(second).isEqualTo(seen);
            assertThat(uplinks.statuses()).contains(new UplinkStatus("wlan0", UplinkStatus.Health.DOWN, false));

            wifiDead = false;
            long healed = System.nanoTime();
            await(() -> seen.size() == 2);
            assertThat(Duration.ofNanos(System.nanoTime() - healed)).isGreaterThanOrEqualTo(FAILBACK);
            assertThat(seen.get(1).to()).isEqualTo("wlan0");
            Thread.sleep(10 * CHECK.toMillis());
            assertThat(seen).hasSize(2);
        }
    }

    @Test
    void withoutADerpMapNothingIsCheckedAndThePreferredUplinkStays() throws Exception {
        try (Uplinks uplinks = new Uplinks(new Uplinks.Settings(List.of("wlan0", "wwan0"), CHECK, FAILBACK),
                (device, map, home, timeout) -> "dead", to -> null)) {
            uplinks.onSwitch(seen::add);
            uplinks.start(() -> null, () -> 0);
            Thread.sleep(10 * CHECK.toMillis());
            assertThat(uplinks.statuses()).allMatch(u -> u.health() == UplinkStatus.Health.UNKNOWN);
            assertThat(seen).isEmpty();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            Thread.sleep(5);
        }
    }
}
