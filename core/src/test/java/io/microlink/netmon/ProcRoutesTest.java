package io.microlink.netmon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Default routes from the text Linux prints in /proc/net (samples from a real host). */
class ProcRoutesTest {
    private static final String V4 = """
            Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
            wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
            eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0
            eth0\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
            """;
    private static final String V6 = """
            00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003 eth0
            fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0
            00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200 lo
            """;

    @Test
    void theIpv4DefaultRouteWithTheLowestMetricWinsAndItsGatewayReadsLittleEndian() {
        assertThat(ProcRoutes.defaultV4(V4)).isEqualTo(new NetworkState.Route("eth0", "10.0.0.1"));
    }

    @Test
    void theIpv6DefaultRouteSkipsTheUnreachableEntriesOnLoopback() {
        assertThat(ProcRoutes.defaultV6(V6)).isEqualTo(new NetworkState.Route("eth0", "fe80:0:0:0:0:0:0:1"));
    }

    @Test
    void noDefaultRouteDownRoutesAndGarbageGiveNull() {
        assertThat(ProcRoutes.defaultV4("Iface\tDestination\n")).isNull();
        assertThat(ProcRoutes.defaultV4("eth0\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\n")).as("not up").isNull();
        assertThat(ProcRoutes.defaultV4("eth0\t00000000\tZZ\t0003\t0\t0\t0\t00000000\n")).isNull();
        assertThat(ProcRoutes.defaultV6("")).isNull();
        assertThat(ProcRoutes.defaultV6(V6.lines().skip(2).findFirst().orElseThrow())).isNull();
    }

    @Test
    void aRouteStraightOntoALinkHasNoGateway() {
        assertThat(ProcRoutes.defaultV4("ppp0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\n"))
                .isEqualTo(new NetworkState.Route("ppp0", ""));
    }
}
