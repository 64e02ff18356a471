package io.microlink.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.wire.DerpMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a check makes of DERP maps it cannot use: control's word never ends an uplink's checker. */
class UplinkProbeTest {
    private static final Duration TIMEOUT = Duration.ofMillis(100);

    private static DerpMap map(DerpMap.DerpNode node) {
        return new DerpMap(Map.of(1, new DerpMap.Region(1, "r", "R", false, List.of(node))));
    }

    @Test
    void portsOutOfRangeAreAFailedCheckNotAnException() {
        DerpMap.DerpNode node = new DerpMap.DerpNode("1a", 1, "relay.example", null, "192.0.2.1", null, 70_000,
                false, 70_000, false);
        assertThat(UplinkProbe.check("lo", map(node), TIMEOUT)).contains("unusable relay entry");
    }

    @Test
    void aRelayWithoutAnyAddressIsAFailedCheck() {
        DerpMap.DerpNode node = new DerpMap.DerpNode("1a", 1, null, null, null, null, 0, false, 0, false);
        assertThat(UplinkProbe.check("lo", map(node), TIMEOUT)).isNotNull();
    }

    @Test
    void aMapWithoutRelaysSaysSo() {
        assertThat(UplinkProbe.check("lo", new DerpMap(Map.of()), TIMEOUT)).contains("no relay");
        assertThat(UplinkProbe.check("lo", new DerpMap(null), TIMEOUT)).contains("no relay");
        assertThat(UplinkProbe.check("lo", new DerpMap(Map.of(1, new DerpMap.Region(1, "r", "R", false, null))),
                TIMEOUT)).contains("no relay");
    }
}
