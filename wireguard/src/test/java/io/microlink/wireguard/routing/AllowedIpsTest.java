package io.microlink.wireguard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AllowedIpsTest {
    private static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }

    @Test
    void longestPrefixWinsForIpv4AndIpv6() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(ip("10.0.0.0"), 8, "wide");
        t.insert(ip("10.1.0.0"), 16, "mid");
        t.insert(ip("10.1.2.3"), 32, "host");
        t.insert(ip("fd00::"), 8, "v6wide");
        t.insert(ip("fd00:1::"), 32, "v6mid");
        assertThat(t.lookup(ip("10.9.9.9"))).isEqualTo("wide");
        assertThat(t.lookup(ip("10.1.9.9"))).isEqualTo("mid");
        assertThat(t.lookup(ip("10.1.2.3"))).isEqualTo("host");
        assertThat(t.lookup(ip("11.0.0.1"))).isNull();
        assertThat(t.lookup(ip("fd00:1::5"))).isEqualTo("v6mid");
        assertThat(t.lookup(ip("fd00:2::5"))).isEqualTo("v6wide");
        assertThat(t.lookup(ip("fe80::1"))).isNull();
        // The families are separate: ::/0 does not catch IPv4.
        t.insert(ip("::"), 0, "v6default");
        assertThat(t.lookup(ip("11.0.0.1"))).isNull();
        assertThat(t.lookup(ip("2001:db8::1"))).isEqualTo("v6default");
    }

    @Test
    void hostBitsBeyondThePrefixAreIgnoredAndReinsertMovesTheRoute() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(ip("192.168.1.77"), 24, "a");
        assertThat(t.lookup(ip("192.168.1.1"))).isEqualTo("a");
        t.insert(ip("192.168.1.0"), 24, "b");
        assertThat(t.lookup(ip("192.168.1.1"))).isEqualTo("b");
        assertThat(t.prefixesOf("b")).containsExactly("192.168.1.0/24");
        assertThat(t.prefixesOf("a")).isEmpty();
    }

    @Test
    void removeAllDropsOnlyThatValue() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(ip("0.0.0.0"), 0, "default");
        t.insert(ip("10.0.0.0"), 8, "x");
        t.insert(ip("fd00::1"), 128, "x");
        t.removeAll("x");
        assertThat(t.lookup(ip("10.0.0.1"))).isEqualTo("default");
        assertThat(t.lookup(ip("fd00::1"))).isNull();
        assertThat(t.prefixesOf("default")).containsExactly("0.0.0.0/0");
    }

    @Test
    void lookupReadsAddressesInsidePacketBuffers() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(ip("10.0.0.2"), 32, "peer");
        byte[] packet = new byte[40];
        packet[0] = 0x45;
        System.arraycopy(ip("10.0.0.2").getAddress(), 0, packet, 16, 4);
        assertThat(t.lookup(packet, InnerHeader.destinationOffset(packet, 0), InnerHeader.addressLength(packet, 0)))
                .isEqualTo("peer");
    }
}
