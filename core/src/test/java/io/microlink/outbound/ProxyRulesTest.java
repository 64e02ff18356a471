package io.microlink.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyRulesTest {
    private static final OutboundProxy CORP = new OutboundProxy("corp", 3128, null, null);
    private static final OutboundProxy PLAIN = new OutboundProxy("plain", 8080, null, null);

    @Test
    void theSchemePicksTheVariableAndUpperCaseComesFirst() {
        ProxyRules r = ProxyRules.fromEnvironment(Map.of("HTTPS_PROXY", "corp:3128", "https_proxy", "other:1",
                "http_proxy", "http://plain:8080"));
        assertThat(r.proxyFor("https", "controlplane.tailscale.com", 443)).isEqualTo(CORP);
        assertThat(r.proxyFor("http", "controlplane.tailscale.com", 80)).isEqualTo(PLAIN);
        assertThat(ProxyRules.fromEnvironment(Map.of("HTTPS_PROXY", "corp:3128")).proxyFor("http", "x.example", 80))
                .isNull();
        assertThat(ProxyRules.fromEnvironment(Map.of("HTTPS_PROXY", " ", "https_proxy", "corp:3128"))
                .proxyFor("https", "x.example", 443)).isEqualTo(CORP);
        assertThat(ProxyRules.fromEnvironment(Map.of()).any()).isFalse();
    }

    @Test
    void loopbackNeverGoesThroughAProxy() {
        ProxyRules r = ProxyRules.fixed(CORP);
        assertThat(r.proxyFor("https", "localhost", 443)).isNull();
        assertThat(r.proxyFor("http", "127.0.0.1", 8080)).isNull();
        assertThat(r.proxyFor("http", "127.9.9.9", 8080)).isNull();
        assertThat(r.proxyFor("http", "::1", 8080)).isNull();
        assertThat(r.proxyFor("http", "[::1]", 8080)).isNull();
        assertThat(r.proxyFor("http", "203.0.113.1", 8080)).isEqualTo(CORP);
        assertThat(ProxyRules.direct().proxyFor("https", "x.example", 443)).isNull();
    }

    @Test
    void noProxyAsGoReadsIt() {
        ProxyRules r = ProxyRules.fromEnvironment(Map.of("HTTPS_PROXY", "corp:3128",
                "NO_PROXY", "corp.example, .sub.example,*.star.example, 10.0.0.0/8,192.0.2.7, port.example:8443, fd00::/8, bad/99"));
        assertThat(r.proxyFor("https", "corp.example", 443)).isNull();
        assertThat(r.proxyFor("https", "a.CORP.example", 443)).isNull();
        assertThat(r.proxyFor("https", "xcorp.example", 443)).isEqualTo(CORP);
        assertThat(r.proxyFor("https", "sub.example", 443)).isEqualTo(CORP);
        assertThat(r.proxyFor("https", "a.sub.example", 443)).isNull();
        assertThat(r.proxyFor("https", "star.example", 443)).isEqualTo(CORP);
        assertThat(r.proxyFor("https", "a.star.example", 443)).isNull();
        assertThat(r.proxyFor("https", "10.1.2.3", 443)).isNull();
        assertThat(r.proxyFor("https", "11.1.2.3", 443)).isEqualTo(CORP);
        assertThat(r.proxyFor("https", "192.0.2.7", 443)).isNull();
        assertThat(r.proxyFor("https", "192.0.2.8", 443)).isEqualTo(CORP);
        assertThat(r.proxyFor("https", "port.example", 8443)).isNull();
        assertThat(r.proxyFor("https", "port.example", 443)).isEqualTo(CORP);
        assertThat(r.proxyFor("https", "fd12::1", 443)).isNull();
        assertThat(r.proxyFor("https", "2001:db8::1", 443)).isEqualTo(CORP);
        assertThat(ProxyRules.fromEnvironment(Map.of("HTTPS_PROXY", "corp:3128", "no_proxy", "*"))
                .proxyFor("https", "anything.example", 443)).isNull();
    }

    @Test
    void aBadVariableIsNamedAndItsPasswordIsNot() {
        assertThatThrownBy(() -> ProxyRules.fromEnvironment(Map.of("HTTPS_PROXY", "socks4://u:secret@corp:1080")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("HTTPS_PROXY: ").hasMessageNotContaining("secret");
    }

    @Test
    void theDescriptionHoldsNoCredentials() {
        ProxyRules r = ProxyRules.fromEnvironment(Map.of("HTTPS_PROXY", "http://ann:hunter2@corp:3128"));
        assertThat(r.toString()).contains("corp:3128", "with credentials").doesNotContain("ann", "hunter2");
    }

    @Test
    void allProxyIsNotReadAsTailscaledDoesNotButTheLogSaysSo() {
        ProxyRules rules = ProxyRules.fromEnvironment(Map.of("ALL_PROXY", "socks5h://ann:hunter2@corp:1080"));
        assertThat(rules.any()).isFalse();
        assertThat(rules.proxyFor("https", "control.example", 443)).isNull();
        assertThat(rules.toString()).startsWith("direct (ALL_PROXY is not read").doesNotContain("hunter2");
        assertThat(ProxyRules.fromEnvironment(Map.of("all_proxy", "socks5://corp")).toString())
                .contains("ALL_PROXY is not read");
        assertThat(ProxyRules.fromEnvironment(Map.of()).toString()).isEqualTo("direct");
    }

    @Test
    void proxyVariablesMayNameASocks5Proxy() {
        ProxyRules rules = ProxyRules.fromEnvironment(Map.of("HTTPS_PROXY", "socks5h://ann:hunter2@corp:1080",
                "http_proxy", "socks5://corp"));
        assertThat(rules.proxyFor("https", "control.example", 443))
                .isEqualTo(new OutboundProxy(OutboundProxy.Kind.SOCKS5H, "corp", 1080, "ann", "hunter2"));
        assertThat(rules.proxyFor("http", "control.example", 80))
                .isEqualTo(new OutboundProxy(OutboundProxy.Kind.SOCKS5, "corp", 1080, null, null));
        assertThat(rules.toString()).isEqualTo("from the environment: https socks5h://corp:1080 (with credentials),"
                + " http socks5://corp:1080");
    }
}
