package io.microlink.daemon.verbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.daemon.cli.UsageException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The address forms {@code whois} takes. */
class WhoisTest {
    @Test
    void takesIpv4AndIpv6WithAndWithoutAPort() throws Exception {
        assertThat(Whois.parse("100.64.0.2")).isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("100.64.0.2"), 0));
        assertThat(Whois.parse("127.0.0.1:41234"))
                .isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 41234));
        assertThat(Whois.parse("fd7a:115c:a1e0::1").getAddress()).isEqualTo(InetAddress.ofLiteral("fd7a:115c:a1e0::1"));
        assertThat(Whois.parse("[fd7a:115c:a1e0::1]:22"))
                .isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("fd7a:115c:a1e0::1"), 22));
        assertThat(Whois.parse("[::1]").getPort()).isZero();
    }

    @Test
    void refusesNamesAndBadPorts() {
        for (String bad : new String[] {"laptop", "laptop:22", "100.64.0.2:", "1.2.3", "1", "010.0.0.1", "[fd7a::1", ""}) {
            assertThatThrownBy(() -> Whois.parse(bad)).as(bad).isInstanceOf(UsageException.class)
                    .hasMessageContaining("expected an IP address");
        }
        assertThatThrownBy(() -> Whois.parse("127.0.0.1:0")).isInstanceOf(UsageException.class)
                .hasMessage("PORT must be 1-65535, got 0");
        assertThatThrownBy(() -> Whois.parse("127.0.0.1:99999")).isInstanceOf(UsageException.class)
                .hasMessage("PORT must be 1-65535, got 99999");
    }
}
