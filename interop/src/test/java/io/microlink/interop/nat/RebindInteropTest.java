package io.microlink.interop.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.interop.Await;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.NatTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Network changes under an open TCP connection (issue 16): the Java daemon on one home
 * network, a real tailscaled on another, a byte every few milliseconds through the tunnel to an
 * echo server behind tailscaled. First the Java node's host moves to a third network (new
 * link, new address, new router, the old ones gone), then tailscaled's host moves. Each time
 * the connection must survive with every byte intact, traffic must flow again, and a direct
 * path must come back (through the new router's public address, not stuck on DERP). The times
 * from "the new address is usable" to "a byte written since came back" are printed for
 * docs/benchmarks.md.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RebindInteropTest {
    private static final int ECHO_PORT = 7007;
    private static final Duration FLOWING_BUDGET = Duration.ofSeconds(30);
    private static final Duration DIRECT_BUDGET = Duration.ofSeconds(30);

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
            Path echoLog = Files.createTempFile("echo", ".log");
            // tailscaled in userspace mode hands a tailnet connection to its own port to 127.0.0.1.
            try (ManagedProcess echo = net.namespaces().start(ts.host().namespace(), "echo", List.of("socat",
                    "TCP-LISTEN:" + ECHO_PORT + ",bind=127.0.0.1,reuseaddr,fork", "EXEC:cat"), Map.of(), echoLog);
                 EchoLoop loop = new EchoLoop(java.daemon().startCli("nc", ts.name(), Integer.toString(ECHO_PORT)))) {
                Await.until(Duration.ofSeconds(60), "the echo loop to carry bytes", () -> loop.returned() > 20);
                awaitDirect(java, ts, rb, "the Java node's first direct path");

                long moved = System.nanoTime();
                NatTopology.Host javaHost = net.move(java.host(), rc);
                long usable = System.nanoTime();
                Duration javaGap = loop.flowingAgainAfter(usable, FLOWING_BUDGET);
                Duration javaDirect = awaitDirect(ts, java, rc, "tailscaled's direct path to the moved Java node");
                awaitDirect(java, ts, rb, "the moved Java node's direct path");
                report("java", javaHost, usable - moved, javaGap, javaDirect);

                moved = System.nanoTime();
                NatTopology.Host tsHost = net.move(ts.host(), ra);
                usable = System.nanoTime();
                Duration tsGap = loop.flowingAgainAfter(usable, FLOWING_BUDGET);
                Duration tsDirect = awaitDirect(java, ts, ra, "the Java node's direct path to the moved tailscaled");
                awaitDirect(ts, java, rc, "the moved tailscaled's direct path");
                report("tailscaled", tsHost, usable - moved, tsGap, tsDirect);

                Thread.sleep(500);
                loop.requireIntact();
            } catch (AssertionError | Exception e) {
                System.out.println("--- Java daemon log ---\n" + java.logTail());
                System.out.println("--- tailscaled log ---\n" + ts.logTail());
                throw e;
            } finally {
                Files.deleteIfExists(echoLog);
            }
        }
    }

    /**
     * Waits until {@code from} uses a direct path to {@code to} through {@code router}'s public
     * address (so through that NAT, not the old one, and not DERP); returns how long that took.
     */
    private static Duration awaitDirect(NatLab.Node from, NatLab.Node to, NatTopology.Router router, String what) {
        long start = System.nanoTime();
        String wanted = router.publicAddress() + ":";
        Await.until(DIRECT_BUDGET, () -> what + " via " + router.publicAddress() + " (now "
                + from.directPath(to) + ")", () -> {
            String path = from.directPath(to);
            return path != null && path.startsWith(wanted);
        });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void report(String who, NatTopology.Host host, long moveNanos, Duration gap, Duration direct) {
        System.out.printf("rebind: %s moved to %s (%d ms to move); traffic flowed again %d ms after the new "
                        + "address was usable; direct again %d ms after that%n", who, host.address(),
                moveNanos / 1_000_000, gap.toMillis(), direct.toMillis());
        assertThat(gap).isLessThan(FLOWING_BUDGET);
    }
}
