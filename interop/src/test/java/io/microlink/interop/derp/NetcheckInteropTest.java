package io.microlink.interop.derp;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.wire.DerpMap;
import io.microlink.interop.TestTailnet;
import io.microlink.netcheck.HomeDerpSelector;
import io.microlink.netcheck.NetcheckRound;
import io.microlink.netcheck.NetcheckReport;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Netcheck against headscale's STUN server, plus a region that never answers. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NetcheckInteropTest {
    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    @Test
    void measuresTheRegionThatAnswersAndFindsOurAddress() throws Exception {
        int region = tailnet.headscale().derpRegionId();
        DerpMap map = new DerpMap(Map.of(
                region, new DerpMap.Region(region, "headscale", "Headscale", false, List.of(new DerpMap.DerpNode(
                        "999", region, "127.0.0.1", null, "127.0.0.1", null, tailnet.headscale().stunPort(), false, 0,
                        false))),
                // A region whose STUN port nobody listens on: it must simply be missing.
                7, new DerpMap.Region(7, "silent", "Silent", false, List.of(new DerpMap.DerpNode("7a", 7, "127.0.0.1",
                        null, "127.0.0.1", null, io.microlink.interop.FreePorts.udp(), false, 0, false)))));
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            NetcheckReport report = runRound(udp, map);
            assertThat(report.latencies()).containsOnlyKeys(region);
            assertThat(report.v6Latencies()).isEmpty(); // the map names no IPv6 address
            assertThat(report.globalEndpoints()).containsExactly((InetSocketAddress) udp.getLocalSocketAddress());
            assertThat(report.mappingVariesByDestination()).isNull(); // one server cannot tell
            assertThat(report.derpLatencyForControl()).containsOnlyKeys(region + "-v4");
            assertThat(new HomeDerpSelector().update(report)).isEqualTo(region);
        }
    }

    @Test
    void measuresIpv6ToAndFindsOurIpv6Address() throws Exception {
        int region = tailnet.headscale().derpRegionId();
        DerpMap map = new DerpMap(Map.of(region, new DerpMap.Region(region, "headscale", "Headscale", false,
                List.of(new DerpMap.DerpNode("999", region, "127.0.0.1", null, "127.0.0.1", "::1",
                        tailnet.headscale().stunPort(), false, 0, false)))));
        // One wildcard socket serves both families, as magicsock's does.
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(0))) {
            NetcheckReport report = runRound(udp, map);
            assertThat(report.v4Latencies()).containsOnlyKeys(region);
            assertThat(report.v6Latencies()).containsOnlyKeys(region);
            assertThat(report.globalV4()).isEqualTo(new InetSocketAddress("127.0.0.1", udp.getLocalPort()));
            assertThat(report.globalV6()).isEqualTo(new InetSocketAddress("::1", udp.getLocalPort()));
            assertThat(report.derpLatencyForControl()).containsOnlyKeys(region + "-v4", region + "-v6");
        }
    }

    /** One pass on a socket of our own: send every request, take answers for up to two seconds. */
    private static NetcheckReport runRound(DatagramSocket udp, DerpMap map) throws java.io.IOException {
        NetcheckRound round = new NetcheckRound(map, new java.security.SecureRandom());
        for (NetcheckRound.Request r : round.requests(System.nanoTime())) {
            udp.send(new java.net.DatagramPacket(r.packet(), r.packet().length, r.target()));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        byte[] buf = new byte[1500];
        while (!round.complete() && System.nanoTime() < deadline) {
            udp.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
                round.accept(java.util.Arrays.copyOf(buf, p.getLength()), System.nanoTime());
            } catch (java.net.SocketTimeoutException e) {
                break;
            }
        }
        return round.report(java.time.Instant.now());
    }
}
