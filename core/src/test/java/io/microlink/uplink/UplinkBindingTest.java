package io.microlink.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Which of the node's host sockets go through the active uplink, and which health checks ask
 * which relay region first.
 */
class UplinkBindingTest {
    private static final Uplinks.Settings SETTINGS = new Uplinks.Settings(List.of("wlan0", "wwan0"),
            Duration.ofMillis(20), Duration.ofSeconds(60));
    /** A laptop's table: defaults through both uplinks, their LANs, and a third interface's LAN. */
    private static final Map<String, KernelRoute.Match> ROUTES = Map.of(
            "8.8.8.8", new KernelRoute.Match("wlan0", 0),
            "192.168.2.1", new KernelRoute.Match("wwan0", 24),
            "192.168.1.1", new KernelRoute.Match("wlan0", 24),
            "10.1.2.3", new KernelRoute.Match("eth1", 8),
            "192.0.2.7", new KernelRoute.Match("lo", 32));

    private static Uplinks uplinks() {
        return new Uplinks(SETTINGS, (device, map, home, timeout) -> null, to -> ROUTES.get(to.getHostAddress()));
    }

    private static boolean through(Uplinks u, String address) {
        return u.throughUplink(InetAddress.ofLiteral(address));
    }

    @Test
    void theInternetAndTheUplinksOwnNetworksGoThroughTheActiveUplink() {
        try (Uplinks u = uplinks()) {
            assertThat(through(u, "8.8.8.8")).as("a default route").isTrue();
            assertThat(through(u, "192.168.2.1")).as("an uplink's gateway").isTrue();
            assertThat(through(u, "192.168.1.1")).isTrue();
            assertThat(through(u, "203.0.113.9")).as("no route known: bound all the same").isTrue();
            assertThat(u.throughUplink(null)).as("a destination not known here (a proxy, a name)").isTrue();
        }
    }

    @Test
    void whatNeverLeavesTheHostOrLeavesByAnotherInterfaceIsLeftToTheKernel() {
        try (Uplinks u = uplinks()) {
            assertThat(through(u, "10.1.2.3")).as("a subnet route's LAN on a third interface").isFalse();
            assertThat(through(u, "192.0.2.7")).as("one of the host's own addresses").isFalse();
            assertThat(through(u, "127.0.0.53")).as("a local resolver").isFalse();
            assertThat(through(u, "::1")).isFalse();
            assertThat(through(u, "fe80::1")).as("link-local").isFalse();
        }
    }

    @Test
    void eachCheckAsksTheHomeRegionOfTheMomentFirst() throws Exception {
        List<Integer> homes = new CopyOnWriteArrayList<>();
        int[] home = {0};
        try (Uplinks u = new Uplinks(SETTINGS, (device, map, h, timeout) -> {
            homes.add(h);
            return null;
        }, to -> null)) {
            u.start(() -> new io.microlink.control.wire.DerpMap(Map.of()), () -> home[0]);
            Thread.sleep(100);
            home[0] = 7;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!homes.contains(7) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(homes).startsWith(0).contains(7);
    }
}
