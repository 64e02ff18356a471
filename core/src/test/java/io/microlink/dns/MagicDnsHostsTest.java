package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The packet-free lookup the socket layer uses, over {@link TestNetmaps#standard()}. */
class MagicDnsHostsTest {
    private final MagicDnsHosts hosts = MagicDnsHosts.of(TestNetmaps.standard());

    @Test
    void shortNamesAndFqdnsInAnySpellingGiveTheSameAddresses() {
        for (String name : new String[] {"ts2", "TS2", "ts2.tailnet.test", "Ts2.Tailnet.Test."}) {
            assertThat(hosts.lookup(name)).as(name).containsExactly(InetAddress.ofLiteral("100.64.0.2"));
        }
        assertThat(hosts.lookup("ts6")).containsExactly(InetAddress.ofLiteral("fd7a:115c:a1e0::6"));
        assertThat(hosts.lookup("self")).containsExactly(InetAddress.ofLiteral("100.64.0.1"));
        assertThat(hosts.lookup("db.tailnet.test")).containsExactly(InetAddress.ofLiteral("100.64.0.99"));
    }

    @Test
    void aViaNameIsLookedUpAsItsViaAddressShortOrFull() {
        // `tailscale debug via 8 10.77.0.2/32` printed fd7a:115c:a1e0:b1a:0:8:a4d:2/128.
        for (String name : new String[] {"10-77-0-2-via-8", "10-77-0-2-via-8.tailnet.test."}) {
            assertThat(hosts.lookup(name)).as(name).containsExactly(InetAddress.ofLiteral("fd7a:115c:a1e0:b1a:0:8:a4d:2"));
        }
        assertThat(hosts.lookup("10-77-0-2-via-8.example.com")).isEmpty();
    }

    @Test
    void ipLiteralsPassThroughAndUnknownNamesAreEmpty() {
        assertThat(hosts.lookup("100.64.0.77")).containsExactly(InetAddress.ofLiteral("100.64.0.77"));
        assertThat(hosts.lookup("fd7a:115c:a1e0::9")).containsExactly(InetAddress.ofLiteral("fd7a:115c:a1e0::9"));
        assertThat(hosts.lookup("nope")).isEmpty();
        assertThat(hosts.lookup("example.com")).isEmpty();
        assertThat(hosts.lookup("123")).isEmpty();
    }

    @Test
    void reverseNamesParseOnlyInTheirExactForm() {
        assertThat(ReverseName.address("4.3.2.1.in-addr.arpa.")).contains(InetAddress.ofLiteral("1.2.3.4"));
        assertThat(ReverseName.address("04.3.2.1.in-addr.arpa.")).isEmpty();
        assertThat(ReverseName.address("256.3.2.1.in-addr.arpa.")).isEmpty();
        assertThat(ReverseName.address("3.2.1.in-addr.arpa.")).isEmpty();
        assertThat(ReverseName.address("1.0.0.0." + "0.0.0.0.".repeat(7) + "ip6.arpa."))
                .contains(InetAddress.ofLiteral("::1"));
        assertThat(ReverseName.address("g.0.0.0." + "0.0.0.0.".repeat(7) + "ip6.arpa.")).isEmpty();
    }
}
