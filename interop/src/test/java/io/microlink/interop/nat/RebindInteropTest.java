package io.microlink.interop.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.interop.NatTopology;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Network changes under an open TCP connection (issue 16): the Java daemon on one home network,
 * a real tailscaled on another, a byte every few milliseconds through the tunnel to an echo
 * server behind tailscaled ({@link EchoSession}). Each time the network changes, the connection
 * must survive with every byte intact, traffic must flow again, and a direct path must come back
 * (through the new router's public address, not stuck on DERP). The times from "the new way is
 * usable" to "a byte written since came back" are printed for docs/networks.md.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RebindInteropTest {
    private static final Duration FLOWING_BUDGET = Duration.ofSeconds(30);
    private static final Duration DIRECT_BUDGET = Duration.ofSeconds(30);
    /** Well short of the map watchdog's 120 s: a control connection left on the old path would miss it. */
    private static final Duration CONTROL_BUDGET = Duration.ofSeconds(30);

    /**
     * First the Java node's host moves to a third network (new link, new address, new router, the
     * old ones gone), then tailscaled's host moves.
     */
    @Test
    void aTcpConnectionSurvivesEitherSideMovingToAnotherNetworkAndGoesDirectAgain() throws Exception {
        try (NatLab lab = new NatLab()) {
            NatTopology net = lab.net();
            NatTopology.Router ra = net.router("ra", NatTopology.Nat.EASY);
            NatTopology.Router rb = net.router("rb", NatTopology.Nat.EASY);
            NatTopology.Router rc = net.router("rc", NatTopology.Nat.EASY);
            NatLab.JavaNode java = (NatLab.JavaNode) lab.java("mla", ra);
            NatLab.TailscaledNode ts = (NatLab.TailscaledNode) lab.tailscaled("tsb", rb);
            ts.up();
            java.up();
            try (EchoSession echo = EchoSession.start(net, java, ts, Duration.ofSeconds(60))) {
                EchoLoop loop = echo.loop();
                awaitDirect(java, ts, rb, "the Java node's first direct path");

                int answers = EchoSession.controlAnswers(java);
                long moved = System.nanoTime();
                NatTopology.Host javaHost = net.move(java.host(), rc);
                long usable = System.nanoTime();
                Duration javaGap = loop.flowingAgainAfter(usable, FLOWING_BUDGET);
                Duration javaDirect = awaitDirect(ts, java, rc, "tailscaled's direct path to the moved Java node");
                awaitDirect(java, ts, rb, "the moved Java node's direct path");
                report("java moved to " + javaHost.address(), usable - moved, javaGap, javaDirect);
                // The old control connection went out from the vanished address: without a redial it
                // would sit there until the map watchdog (120 s) gave up.
                EchoSession.awaitControlAnswered(java, answers, CONTROL_BUDGET,
                        "control to answer the moved Java node's map stream again");
                System.out.printf("rebind: control answered the moved Java node again %d ms after its new address "
                        + "was usable%n", Duration.ofNanos(System.nanoTime() - usable).toMillis());

                moved = System.nanoTime();
                NatTopology.Host tsHost = net.move(ts.host(), ra);
                usable = System.nanoTime();
                Duration tsGap = loop.flowingAgainAfter(usable, FLOWING_BUDGET);
                Duration tsDirect = awaitDirect(java, ts, ra, "the Java node's direct path to the moved tailscaled");
                awaitDirect(ts, java, rc, "the moved tailscaled's direct path");
                report("tailscaled moved to " + tsHost.address(), usable - moved, tsGap, tsDirect);

                Thread.sleep(500);
                loop.requireIntact();
            } catch (AssertionError | Exception e) {
                EchoSession.printLogs(java, ts);
                throw e;
            }
        }
    }

    /**
     * The Java node's host has two links, each with an address and a router of its own, and no
     * {@code --uplinks}: it follows the default route (the netmon path). The default route then
     * moves from the first link to the second while both links and addresses stay, as when a
     * laptop's WiFi gives way to its wired port. The node must notice the route alone, rebind,
     * dial control again through the new way (the old connection went out the old way; control
     * must answer the new one) and keep the transfer intact.
     */
    @Test
    void aTcpConnectionSurvivesTheDefaultRouteMovingToTheOtherLinkAndGoesDirectThroughIt() throws Exception {
        try (NatLab lab = new NatLab()) {
            NatTopology net = lab.net();
            NatTopology.Router first = net.router("rfirst", NatTopology.Nat.EASY);
            NatTopology.Router second = net.router("rsecond", NatTopology.Nat.EASY);
            NatTopology.Router far = net.router("rfar", NatTopology.Nat.EASY);
            NatLab.UplinkNode links = lab.javaWithTwoLinks("mla", first, second);
            NatLab.JavaNode java = links.node();
            NatLab.TailscaledNode ts = (NatLab.TailscaledNode) lab.tailscaled("tsf", far);
            ts.up();
            java.up();
            try (EchoSession echo = EchoSession.start(net, java, ts, Duration.ofSeconds(60))) {
                EchoLoop loop = echo.loop();
                awaitDirect(ts, java, first, "tailscaled's direct path through the first link");

                int answers = EchoSession.controlAnswers(java);
                long flipped = System.nanoTime();
                net.setDefaultRoute(java.host(), second, links.backup());
                Duration gap = loop.flowingAgainAfter(flipped, FLOWING_BUDGET);
                Duration direct = awaitDirect(ts, java, second, "tailscaled's direct path through the second link");
                awaitDirect(java, ts, far, "the Java node's direct path after the flip");
                report("java's default route moved from " + links.preferred() + " to " + links.backup(), 0, gap,
                        direct);
                // The control connection went out the old way (through the first router's NAT):
                // closed and dialled again, as tailscale's tsdial does on a new default route.
                EchoSession.awaitControlAnswered(java, answers, CONTROL_BUDGET,
                        "control to answer a map stream dialled through the second link");
                System.out.printf("rebind: control answered again %d ms after the flip%n",
                        Duration.ofNanos(System.nanoTime() - flipped).toMillis());

                Thread.sleep(500);
                loop.requireIntact();
            } catch (AssertionError | Exception e) {
                EchoSession.printLogs(java, ts);
                throw e;
            }
        }
    }

    private static Duration awaitDirect(NatLab.Node from, NatLab.Node to, NatTopology.Router router, String what) {
        return EchoSession.awaitDirect(from, to, router, DIRECT_BUDGET, what);
    }

    private static void report(String what, long changeNanos, Duration gap, Duration direct) {
        System.out.printf("rebind: %s (%d ms to change); traffic flowed again %d ms after the new way was usable; "
                + "direct again %d ms after that%n", what, changeNanos / 1_000_000, gap.toMillis(), direct.toMillis());
        assertThat(gap).isLessThan(FLOWING_BUDGET);
    }
}
