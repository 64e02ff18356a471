package io.microlink.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The route the kernel takes to an address, read from the text of Linux's route tables. */
class KernelRouteTest {
    private static final String V4 = String.join("\n",
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
            "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
            "wwan0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0",
            "wlan0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
            "wwan0\t0002A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
            // 10.0.0.0/8 through eth1 (a subnet route's LAN), 10.9.0.0/16 unreachable (rejected)
            "eth1\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0",
            "lo\t0000090A\t00000000\t0201\t0\t0\t0\t0000FFFF\t0\t0\t0",
            // 172.16.0.0/12 through eth2, but the route is down
            "eth2\t000010AC\t00000000\t0000\t0\t0\t0\t0000F0FF\t0\t0\t0");
    private static final String V6 = String.join("\n",
            "20010db8000000000000000000000000 20 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth1",
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000003 00000000 00000003    wlan0",
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000002 00000100 00000003 00000000 00000003    wwan0",
            "20010db8000000000000000000000007 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo");

    private static KernelRoute.Match v4(String address) {
        return KernelRoute.v4(V4, InetAddress.ofLiteral(address));
    }

    private static KernelRoute.Match v6(String address) {
        return KernelRoute.v6(V6, InetAddress.ofLiteral(address));
    }

    @Test
    void theLongestPrefixWinsThenTheLowestMetric() {
        assertThat(v4("8.8.8.8")).isEqualTo(new KernelRoute.Match("wlan0", 0));
        assertThat(v4("192.168.2.1")).isEqualTo(new KernelRoute.Match("wwan0", 24));
        assertThat(v4("10.1.2.3")).isEqualTo(new KernelRoute.Match("eth1", 8));
        assertThat(v6("2606:4700::1111")).isEqualTo(new KernelRoute.Match("wwan0", 0));
        assertThat(v6("2001:db8::5")).isEqualTo(new KernelRoute.Match("eth1", 32));
        assertThat(v6("2001:db8::7")).as("a host's own address, on lo").isEqualTo(new KernelRoute.Match("lo", 128));
    }

    @Test
    void routesThatAreDownOrRejectDoNotCount() {
        assertThat(v4("10.9.0.1")).as("rejected: the /8 through eth1 is next").isEqualTo(new KernelRoute.Match("eth1", 8));
        assertThat(v4("172.16.0.1")).as("down: the default route").isEqualTo(new KernelRoute.Match("wlan0", 0));
    }

    @Test
    void noRouteOrAnUnreadableTableIsNone() {
        assertThat(KernelRoute.v4("", InetAddress.ofLiteral("8.8.8.8"))).isNull();
        assertThat(KernelRoute.v4("garbage line here\nwlan0 zz 00 0003 0 0 0 00", InetAddress.ofLiteral("8.8.8.8")))
                .isNull();
        assertThat(KernelRoute.v6("", InetAddress.ofLiteral("::2"))).isNull();
    }
}
