package io.microlink.interop.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short pair grid of issue 16 (the full one is {@code scripts/nat-grid}): real tailscaled
 * and the Java daemon behind NAT routers in network namespaces, headscale and its relay on a
 * "public" namespace they reach only through those routers. Wherever a tailscaled pair goes
 * direct, the Java pair in the same topology must too, with the pong from the peer's router's
 * public address (or its LAN address on the same LAN), never loopback.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class NatTraversalInteropTest {
    private final NatPairGrid grid = new NatPairGrid(Duration.ofSeconds(10), System.out);

    @Test
    void throughAHomeNatAndADoubleNatTheJavaNodeGoesDirectLikeTailscaled() {
        List<NatPairGrid.Cell> cells = grid.across(NatSite.EASY, NatSite.DOUBLE);
        System.out.print(NatPairGrid.table(cells));
        // The topology is one tailscaled goes direct in: a test of the Java node, not of the NAT.
        assertThat(cells).allMatch(NatPairGrid.Cell::referenceDirectAsExpected);
        assertThat(cells).allMatch(NatPairGrid.Cell::javaDirectAsExpected);
    }

    @Test
    void dataAloneOpensTheDirectPathThroughTwoNatsLikeTailscaled() {
        List<NatPairGrid.Cell> cells = grid.across(NatSite.EASY, NatSite.DOUBLE, NatPairGrid.Start.DATA);
        System.out.print(NatPairGrid.table(cells));
        assertThat(cells).allMatch(NatPairGrid.Cell::referenceDirectAsExpected);
        assertThat(cells).allMatch(NatPairGrid.Cell::javaDirectAsExpected);
    }

    @Test
    void throughAHardNatTheJavaNodeGoesDirectToAForwardedPortLikeTailscaled() {
        List<NatPairGrid.Cell> cells = grid.across(NatSite.HARD, NatSite.FORWARDED);
        System.out.print(NatPairGrid.table(cells));
        assertThat(cells).allMatch(NatPairGrid.Cell::referenceDirectAsExpected);
        assertThat(cells).allMatch(NatPairGrid.Cell::javaDirectAsExpected);
    }

    @Test
    void withoutUdpOnOneSideTheJavaNodeIsAnsweredThroughDerpLikeTailscaled() {
        List<NatPairGrid.Cell> cells = grid.across(NatSite.UDP_BLOCKED, NatSite.EASY);
        System.out.print(NatPairGrid.table(cells));
        assertThat(cells).allMatch(c -> c.reference().answered() && !c.reference().direct());
        assertThat(cells).allMatch(c -> c.java().answered() && !c.java().direct());
    }

    @Test
    void behindOneRouterTheJavaNodeGoesDirectOverTheLanLikeTailscaled() {
        List<NatPairGrid.Cell> cells = grid.sameLan(NatSite.EASY);
        System.out.print(NatPairGrid.table(cells));
        assertThat(cells).allMatch(NatPairGrid.Cell::referenceDirectAsExpected);
        assertThat(cells).allMatch(NatPairGrid.Cell::javaDirectAsExpected);
    }
}
