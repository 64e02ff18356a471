package io.microlink.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.wire.DerpMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which relays a check asks, and what it makes of DERP maps it cannot use: control's word never
 * ends an uplink's checker.
 */
class UplinkProbeTest {
    private static final Duration TIMEOUT = Duration.ofMillis(100);

    private static DerpMap map(DerpMap.DerpNode node) {
        return new DerpMap(Map.of(1, new DerpMap.Region(1, "r", "R", false, List.of(node))));
    }

    @Test
    void portsOutOfRangeAreAFailedCheckNotAnException() {
        DerpMap.DerpNode node = new DerpMap.DerpNode("1a", 1, "relay.example", null, "192.0.2.1", null, 70_000,
                false, 70_000, false);
        assertThat(UplinkProbe.check("lo", map(node), 0, TIMEOUT)).contains("unusable relay entry");
    }

    @Test
    void aRelayWithoutAnyAddressIsAFailedCheck() {
        DerpMap.DerpNode node = new DerpMap.DerpNode("1a", 1, null, null, null, null, 0, false, 0, false);
        assertThat(UplinkProbe.check("lo", map(node), 0, TIMEOUT)).isNotNull();
    }

    @Test
    void aMapWithoutRelaysSaysSo() {
        assertThat(UplinkProbe.check("lo", new DerpMap(Map.of()), 0, TIMEOUT)).contains("no relay");
        assertThat(UplinkProbe.check("lo", new DerpMap(null), 0, TIMEOUT)).contains("no relay");
        assertThat(UplinkProbe.check("lo", new DerpMap(Map.of(1, new DerpMap.Region(1, "r", "R", false, null))),
                0, TIMEOUT)).contains("no relay");
    }

    private static DerpMap.Region region(int id, boolean avoid) {
        return new DerpMap.Region(id, "r" + id, "R" + id, avoid, List.of(
                new DerpMap.DerpNode(id + "a", id, "relay" + id + ".example", null, "192.0.2." + id, null, 0, false, 0,
                        false),
                new DerpMap.DerpNode(id + "b", id, "relay" + id + "b.example", null, "192.0.2." + (100 + id), null, 0,
                        false, 0, false)));
    }

    private static List<String> asked(DerpMap map, int home) {
        return UplinkProbe.relays(map, home).stream().map(DerpMap.DerpNode::name).toList();
    }

    @Test
    void theHomeRegionsRelayIsAskedFirstThenOneRelayOfEachOtherRegionUpToThree() {
        DerpMap map = new DerpMap(Map.of(1, region(1, false), 2, region(2, false), 3, region(3, false),
                4, region(4, false)));
        assertThat(asked(map, 3)).containsExactly("3a", "1a", "2a");
        assertThat(asked(map, 0)).as("before the first netcheck").containsExactly("1a", "2a", "3a");
        assertThat(asked(map, 9)).as("a home the map no longer has").containsExactly("1a", "2a", "3a");
    }

    @Test
    void regionsControlAsksToAvoidAreNotFallbacksButTheHomeOneIsStillAsked() {
        DerpMap map = new DerpMap(Map.of(1, region(1, true), 2, region(2, false), 3, region(3, true)));
        assertThat(asked(map, 2)).containsExactly("2a");
        assertThat(asked(map, 3)).containsExactly("3a", "2a");
    }
}
