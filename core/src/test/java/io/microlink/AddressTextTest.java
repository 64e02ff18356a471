package io.microlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Addresses written as control (Go's netip) writes them. */
class AddressTextTest {
    @Test
    void ipv6IsWrittenInRfc5952Form() {
        for (String[] c : new String[][] {{"fd7a:115c:a1e0:0:0:0:0:1", "fd7a:115c:a1e0::1"},
                {"0:0:0:0:0:0:0:1", "::1"}, {"0:0:0:0:0:0:0:0", "::"}, {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
                {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"}, {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
                {"FD7A:115C:A1E0:AB12:4843:CD96:6258:B240", "fd7a:115c:a1e0:ab12:4843:cd96:6258:b240"},
                {"1:0:0:0:0:0:0:0", "1::"}}) {
            assertThat(AddressText.of(InetAddress.ofLiteral(c[0]))).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void ipv4IsADottedQuad() {
        assertThat(AddressText.of(InetAddress.ofLiteral("100.64.0.1"))).isEqualTo("100.64.0.1");
    }
}
