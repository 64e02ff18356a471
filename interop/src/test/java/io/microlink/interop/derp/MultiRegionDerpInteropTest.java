package io.microlink.interop.derp;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.NodeState;
import io.microlink.Peer;
import io.microlink.PingPath;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Iptables;
import io.microlink.interop.FreePorts;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two relay regions (headscale's embedded DERP and tailscale's derper), the Java node homed
 * in one and a real tailscaled in the other: each reaches the other through the other's home
 * region, so the Java node must open a connection to a region that is not its home.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MultiRegionDerpInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(45);

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.withSecondDerpRegion();

    @Test
    void nodesHomedInDifferentRegionsReachEachOtherThroughEachOthersRelay() throws Exception {
        int javaPort = FreePorts.udp();
        String javaUdp = Integer.toString(javaPort);
        String firstStun = Integer.toString(tailnet.headscale().stunPort());
        String secondStun = Integer.toString(tailnet.derper().stunPort());
        // Homes follow STUN latency, so steer them: the Java node can only measure the second
        // region, everyone else only the first (tailscaled needs UDP for that, so it is not DERP-only).
        try (Iptables.Rule javaToSecond = Iptables.add("OUTPUT", "-p", "udp", "--sport", javaUdp, "--dport",
                secondStun, "-j", "ACCEPT");
             Iptables.Rule othersNotToSecond = Iptables.add("OUTPUT", "-p", "udp", "--dport", secondStun, "-j", "DROP");
             Iptables.Rule javaNotToFirst = Iptables.add("OUTPUT", "-p", "udp", "--sport", javaUdp, "--dport",
                     firstStun, "-j", "DROP")) {
            Tailscaled real = tailnet.addNode("homed-first");
            // No UDP between the two, so WireGuard too must go through the relays.
            String realUdp = Integer.toString(real.port());
            try (Iptables.Rule javaToReal = Iptables.add("OUTPUT", "-p", "udp", "--sport", javaUdp, "--dport", realUdp,
                    "-j", "DROP");
                 Iptables.Rule realToJava = Iptables.add("OUTPUT", "-p", "udp", "--sport", realUdp, "--dport", javaUdp,
                         "-j", "DROP");
                 TailnetNode java = TailnetNode.builder()
                    .controlUrl(tailnet.headscale().url())
                    .authKey(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key())
                    .hostname("java-second")
                    .stateDirectory(tailnet.dir().resolve("java-second"))
                    .udpPort(javaPort)
                    .plainHttpDerpForTesting()
                    .build()) {
                java.start();
                Await.until(WAIT, "the Java node to connect", () -> java.state() == NodeState.CONNECTED);
                Await.until(WAIT, "homed-first to see java-second homed in the second region", () ->
                        real.status().peer("java-second").map(p -> TestTailnet.SECOND_REGION_CODE.equals(p.relay()))
                                .orElse(false));
                Await.until(WAIT, "java-second to see homed-first homed in the first region", () ->
                        java.tailnet().find("homed-first").map(Peer::homeDerpRegion)
                                .orElse(0) == tailnet.headscale().derpRegionId());

                // tailscaled reaches us through our home, the second region.
                assertThat(real.ping("java-second", "--until-direct=false", "-c", "1").getFirst().via())
                        .isEqualTo("DERP(" + TestTailnet.SECOND_REGION_CODE + ")");
                // We reach it through its home, the first region: a connection we open on demand.
                assertThat(java.ping("homed-first", PingPath.DERP, Duration.ofSeconds(10)).path())
                        .isEqualTo("DERP(" + tailnet.headscale().derpRegionCode() + ")");
                // WireGuard both ways: in through the second region, out through the first.
                assertThat(real.ping("java-second", "--tsmp", "-c", "1")).isNotEmpty();
            }
        }
    }
}
