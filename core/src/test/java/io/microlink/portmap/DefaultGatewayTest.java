package io.microlink.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultGatewayTest {
    private static final String HEAD = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";

    @Test
    void theDefaultRoutesGatewayInLittleEndianHex() {
        // 192.168.1.1 is 0x0101A8C0 little-endian; the LAN route before it has no gateway.
        assertThat(DefaultGateway.parse(List.of(HEAD,
                "eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
                "eth0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0"), null))
                .hasToString("/192.168.1.1");
    }

    @Test
    void noDefaultRouteNoGateway() {
        assertThat(DefaultGateway.parse(List.of(HEAD, "lo\t0000007F\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0"), null)).isNull();
        // a default route that is down, or without the gateway flag
        assertThat(DefaultGateway.parse(List.of(HEAD, "eth0\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0"), null)).isNull();
        assertThat(DefaultGateway.parse(List.of(HEAD, "wg0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0"), null)).isNull();
        assertThat(DefaultGateway.parse(List.of(), null)).isNull();
    }

    @Test
    void withUplinksTheGatewayOfTheActiveOnesOwnDefaultRouteNotTheFirst() {
        // wlan0's default route (metric 0) comes first; wwan0's (metric 100, 192.168.2.1) is the active uplink's.
        List<String> table = List.of(HEAD,
                "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
                "wwan0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0");
        assertThat(DefaultGateway.parse(table, "wwan0")).hasToString("/192.168.2.1");
        assertThat(DefaultGateway.parse(table, "wlan0")).hasToString("/192.168.1.1");
        assertThat(DefaultGateway.parse(table, "eth9")).isNull();
    }
}
