package io.microlink.daemon;

import io.microlink.TailnetNode;
import java.time.Duration;
import java.util.List;

/**
 * {@code microlink daemon --uplinks wlan0,wwan0 [--uplink-check 5s] [--uplink-failback 60s]}:
 * the node's uplinks in priority order and their timings, or none (follow the default route).
 *
 * @param interfaces    most preferred first; empty for none
 * @param checkInterval between two health checks of one uplink
 * @param failback      how long the preferred uplink must stay healthy before traffic returns to it
 */
public record UplinkOptions(List<String> interfaces, Duration checkInterval, Duration failback) {
    /** No uplinks: traffic follows the default route. */
    public static final UplinkOptions NONE = new UplinkOptions(List.of(), Duration.ofSeconds(5), Duration.ofSeconds(60));

    public UplinkOptions {
        interfaces = List.copyOf(interfaces);
    }

    /** Gives {@code b} these uplinks; throws IllegalArgumentException for names no interface can have. */
    public void applyTo(TailnetNode.Builder b) {
        if (!interfaces.isEmpty()) {
            b.uplinks(interfaces).uplinkTimings(checkInterval, failback);
        }
    }
}
