package io.microlink.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * 4via6 against what tailscale v1.102.3 printed ({@code ~/.cache/microlink/ref/tailscale-v1.102.3/tailscale
 * debug via ...}), each answer recorded beside its question.
 */
class ViaTest {
    private static Prefix p(String text) {
        return Prefix.parse(text).orElseThrow();
    }

    private static Inet4Address v4(String literal) {
        return (Inet4Address) InetAddress.ofLiteral(literal);
    }

    @Test
    void siteAndIpv4PrefixGiveTheRouteTailscalePrints() {
        // `tailscale debug via 7 10.1.1.0/24` printed fd7a:115c:a1e0:b1a:0:7:a01:100/120, and so on.
        assertThat(Via.route(7, p("10.1.1.0/24"))).hasToString("fd7a:115c:a1e0:b1a:0:7:a01:100/120");
        assertThat(Via.route(8, p("10.77.0.0/24"))).hasToString("fd7a:115c:a1e0:b1a:0:8:a4d:0/120");
        assertThat(Via.route(0, p("192.168.0.0/16"))).hasToString("fd7a:115c:a1e0:b1a::c0a8:0/112");
        assertThat(Via.route(65535, p("10.0.0.5/32"))).hasToString("fd7a:115c:a1e0:b1a:0:ffff:a00:5/128");
        assertThat(Via.route(0xff, p("172.16.0.0/12"))).hasToString("fd7a:115c:a1e0:b1a:0:ff:ac10:0/108");
        assertThat(Via.route(7, p("0.0.0.0/0"))).hasToString("fd7a:115c:a1e0:b1a:0:7::/96");
    }

    @Test
    void aViaRouteGivesBackItsSiteAndIpv4PrefixAsTailscalePrintsThem() {
        // `tailscale debug via fd7a:115c:a1e0:b1a:0:7:a4d:0/120` printed "site 7 (0x7), 10.77.0.0/24".
        Prefix route = p("fd7a:115c:a1e0:b1a:0:7:a4d:0/120");
        assertThat(Via.siteId(route.address())).isEqualTo(7);
        assertThat(Via.ipv4Route(route)).isEqualTo(p("10.77.0.0/24"));
        // "site 65536 (0x10000), 10.0.0.0/8": reading back takes all 32 bits of the site ID.
        assertThat(Via.siteId(p("fd7a:115c:a1e0:b1a:1:0:a00:0/104").address())).isEqualTo(65536);
        assertThat(Via.ipv4(InetAddress.ofLiteral("fd7a:115c:a1e0:b1a:0:7:a01:105"))).contains(v4("10.1.1.5"));
        assertThat(Via.ipv4(InetAddress.ofLiteral("fd7a:115c:a1e0:b1b::a01:105"))).isEmpty();
        assertThat(Via.ipv4(InetAddress.ofLiteral("10.1.1.5"))).isEmpty();
    }

    @Test
    void whatTailscaleRefusesIsRefusedWithItsReason() {
        // "site-id values over 65535 are currently reserved"
        assertThatThrownBy(() -> Via.route(65536, p("10.0.0.0/8"))).hasMessageContaining("reserved");
        assertThatThrownBy(() -> Via.route(7, p("fd00::/64"))).hasMessage("fd00::/64 is not an IPv4 prefix");
        // "short length, want /96 or more"; "not a via route"
        assertThatThrownBy(() -> Via.ipv4Route(p("fd7a:115c:a1e0:b1a:0:7::/95"))).hasMessageContaining("/96");
        assertThatThrownBy(() -> Via.ipv4Route(p("fd7a:115c:a1e0:b1b::/120"))).hasMessageContaining("not a via route");
        assertThatThrownBy(() -> Via.checkAdvertisable(p("fd7a:115c:a1e0:b1a:1:0:a00:0/104")))
                .hasMessageContaining("reserved site ID 65536");
    }

    @Test
    void aRawAddressIsInTheViaRangeExactlyWhenItsObjectIs() {
        for (String a : new String[] {"fd7a:115c:a1e0:b1a:0:7:a4d:5", "fd7a:115c:a1e0:b1a::", "fd7a:115c:a1e0:b1b::1",
                "fd7a:115c:a1e0::1", "10.77.0.5", "::ffff:10.77.0.5"}) {
            java.net.InetAddress ip = java.net.InetAddress.ofLiteral(a);
            assertThat(Via.contains(ip.getAddress())).as(a).isEqualTo(Via.contains(ip));
        }
        assertThat(Via.contains(java.net.InetAddress.ofLiteral("fd7a:115c:a1e0:b1a:0:7:a4d:5").getAddress())).isTrue();
    }

    @Test
    void onlyHostsTailscaleLetsAViaRouterReachAreAllowed() {
        assertThat(Via.hostAllowed(v4("10.77.0.5"))).isTrue();
        assertThat(Via.hostAllowed(v4("192.168.1.1"))).isTrue();
        assertThat(Via.hostAllowed(v4("100.63.255.255"))).isTrue();
        assertThat(Via.hostAllowed(v4("100.128.0.1"))).isTrue();
        for (String refused : new String[] {"127.0.0.1", "127.9.9.9", "0.0.0.0", "255.255.255.255", "224.0.0.251",
                "239.1.2.3", "169.254.169.254", "100.64.0.1", "100.127.255.254"}) {
            assertThat(Via.hostAllowed(v4(refused))).as(refused).isFalse();
        }
    }
}
