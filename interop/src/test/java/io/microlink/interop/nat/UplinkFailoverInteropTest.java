package io.microlink.interop.nat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.interop.Await;
import io.microlink.interop.NatTopology;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Uplink failover (issue 16): the Java daemon's host has two uplinks, each through its own NAT
 * router to the public network (WiFi and cellular), started with {@code --uplinks}; a real
 * tailscaled sits behind a third router. A byte every few milliseconds crosses the tunnel to an
 * echo server behind tailscaled. The preferred uplink's router then drops everything it would
 * forward while its link stays up (WiFi associated, no internet: no route or link change tells
 * the node): the health checks must move the node to the backup uplink, the connection must carry
 * on with every byte intact, and tailscaled must reach the node directly through the backup's
 * router. Then the router is healed, and after the failback hysteresis traffic returns to the
 * preferred uplink, directly again. Last, the preferred link goes down outright, and traffic
 * moves to the backup again. At the first switch the control connection (out the dead uplink)
 * must be dialled again through the backup and answered. The outages and the times are printed
 * for docs/benchmarks.md.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UplinkFailoverInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CHECK = Duration.ofSeconds(1);
    private static final Duration FAILBACK = Duration.ofSeconds(6);
    private static final Duration BUDGET = Duration.ofSeconds(40);

    @Test
    void aBlackholedPreferredUplinkFailsOverWithoutLosingTheConnectionAndFailsBackAfterTheHysteresis()
            throws Exception {
        try (NatLab lab = new NatLab()) {
            NatTopology net = lab.net();
            NatTopology.Router wifi = net.router("rwifi", NatTopology.Nat.EASY);
            NatTopology.Router cell = net.router("rcell", NatTopology.Nat.EASY);
            NatTopology.Router far = net.router("rfar", NatTopology.Nat.EASY);
            NatLab.UplinkNode up = lab.javaWithUplinks("mla", wifi, cell, "--uplink-check", CHECK.toMillis() + "ms",
                    "--uplink-failback", FAILBACK.toSeconds() + "s");
            NatLab.JavaNode java = up.node();
            NatLab.TailscaledNode ts = (NatLab.TailscaledNode) lab.tailscaled("tsc", far);
            ts.up();
            java.up();
            try (EchoSession echo = EchoSession.start(net, java, ts, BUDGET)) {
                EchoLoop loop = echo.loop();
                awaitActive(java, up.preferred(), "up");
                awaitDirect(ts, java, wifi, "tailscaled's direct path through the preferred uplink");

                int answers = EchoSession.controlAnswers(java);
                wifi.setBlackhole(true);
                long cut = System.nanoTime(); // from here on the rule drops: a byte sent since must take the backup
                Duration switched = awaitActive(java, up.backup(), "up"); // measured from cut: status polls start there
                Duration outage = loop.flowingAgainAfter(cut, BUDGET); // from cut too, however late it is asked
                Duration direct = awaitDirect(ts, java, cell, "tailscaled's direct path through the backup uplink");
                assertThat(uplink(java, up.preferred()).path("health").asText()).isEqualTo("down");
                // The control connection went out the dead uplink: dialled again through the backup at
                // the switch, control answers long before the map watchdog (120 s) would have noticed.
                EchoSession.awaitControlAnswered(java, answers, BUDGET, "control to answer through the backup uplink");
                Duration controlBack = Duration.ofNanos(System.nanoTime() - cut);
                System.out.printf("uplink failover: status showed the switch %d ms after the preferred uplink was "
                                + "blackholed; traffic flowed again after %d ms; direct through the backup %d ms after "
                                + "that; control answered again %d ms after the cut%n", switched.toMillis(),
                        outage.toMillis(), direct.toMillis(), controlBack.toMillis());

                wifi.setBlackhole(false);
                Duration back = awaitActive(java, up.preferred(), "up");
                long backAt = System.nanoTime();
                Duration gap = loop.flowingAgainAfter(backAt, BUDGET);
                Duration directBack = awaitDirect(ts, java, wifi, "tailscaled's direct path through the preferred "
                        + "uplink again");
                System.out.printf("uplink failback: %d ms after the preferred uplink was healed (hysteresis %d s); "
                                + "traffic flowed %d ms after the switch; direct again %d ms after that%n",
                        back.toMillis(), FAILBACK.toSeconds(), gap.toMillis(), directBack.toMillis());
                assertThat(back).isGreaterThanOrEqualTo(FAILBACK);

                // The easier case last: the preferred link itself goes down (its routes with it).
                net.exec(java.host().namespace(), "ip", "link", "set", up.preferred(), "down");
                long down = System.nanoTime();
                Duration downSwitched = awaitActive(java, up.backup(), "up");
                Duration downGap = loop.flowingAgainAfter(down, BUDGET);
                System.out.printf("uplink failover on link down: status showed the switch after %d ms; traffic "
                        + "flowed again after %d ms%n", downSwitched.toMillis(), downGap.toMillis());

                Thread.sleep(500);
                loop.requireIntact();
                assertThat(java.logTail().split("uplink switched from " + up.preferred() + " to " + up.backup(), -1))
                        .as("two switches to the backup").hasSize(3);
                assertThat(java.logTail()).contains("uplink switched from " + up.backup() + " to " + up.preferred());
            } catch (AssertionError | Exception e) {
                EchoSession.printLogs(java, ts);
                throw e;
            }
        }
    }

    /** Waits until {@code microlink status --json} says {@code name} is active with {@code health}; returns how long that took. */
    private static Duration awaitActive(NatLab.JavaNode java, String name, String health) {
        long start = System.nanoTime();
        Await.until(BUDGET, () -> name + " active and " + health + " (status: " + uplinks(java) + ")", () -> {
            JsonNode u = uplink(java, name);
            return u.path("active").asBoolean() && u.path("health").asText().equals(health);
        });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static JsonNode uplinks(NatLab.JavaNode java) {
        try {
            return JSON.readTree(java.daemon().cli("status", "--json").requireSuccess().stdout()).path("uplinks");
        } catch (java.io.IOException e) {
            throw new AssertionError("microlink status --json is not JSON", e);
        }
    }

    private static JsonNode uplink(NatLab.JavaNode java, String name) {
        for (JsonNode u : uplinks(java)) {
            if (u.path("name").asText().equals(name)) {
                return u;
            }
        }
        return JSON.missingNode();
    }

    private static Duration awaitDirect(NatLab.Node from, NatLab.Node to, NatTopology.Router router, String what) {
        return EchoSession.awaitDirect(from, to, router, BUDGET, what);
    }
}
