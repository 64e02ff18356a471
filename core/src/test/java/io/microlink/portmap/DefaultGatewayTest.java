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
                "eth0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0")))
                .hasToString("/192.168.1.1");
    }

    @Test
    void noDefaultRouteNoGateway() {
        assertThat(DefaultGateway.parse(List.of(HEAD, "lo\t0000007F\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0"))).isNull();
        // a default route that is down, or without the gateway flag
        assertThat(DefaultGateway.parse(List.of(HEAD, "eth0\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0"))).isNull();
        assertThat(DefaultGateway.parse(List.of(HEAD, "wg0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0"))).isNull();
        assertThat(DefaultGateway.parse(List.of())).isNull();
    }
}
