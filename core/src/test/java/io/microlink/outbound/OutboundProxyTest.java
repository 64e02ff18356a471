package io.microlink.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OutboundProxyTest {
    @Test
    void readsTheFormsGoReads() {
        assertThat(OutboundProxy.parse("http://proxy.corp:3128")).isEqualTo(new OutboundProxy("proxy.corp", 3128, null, null));
        assertThat(OutboundProxy.parse("proxy.corp:3128")).isEqualTo(new OutboundProxy("proxy.corp", 3128, null, null));
        assertThat(OutboundProxy.parse("HTTP://proxy.corp/")).isEqualTo(new OutboundProxy("proxy.corp", 80, null, null));
        assertThat(OutboundProxy.parse("http://[fd00::1]:8080")).isEqualTo(new OutboundProxy("fd00::1", 8080, null, null));
    }

    @Test
    void credentialsArePercentDecodedAndSentAsBasic() {
        OutboundProxy p = OutboundProxy.parse("http://ann%40corp:p%3Ass+w%20rd@proxy:3128");
        assertThat(p.username()).isEqualTo("ann@corp");
        assertThat(p.password()).isEqualTo("p:ss+w rd");
        assertThat(p.authorization()).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("ann@corp:p:ss+w rd".getBytes(StandardCharsets.UTF_8)));
        assertThat(OutboundProxy.parse("http://ann@proxy:3128").password()).isEmpty();
        assertThat(OutboundProxy.parse("http://proxy:3128").authorization()).isNull();
    }

    @Test
    void neverShowsThePassword() {
        OutboundProxy p = OutboundProxy.parse("http://ann:hunter2@proxy:3128");
        assertThat(p.toString()).isEqualTo("http://proxy:3128 (with credentials)").doesNotContain("ann", "hunter2");
        assertThatThrownBy(() -> OutboundProxy.parse("socks4://ann:hunter2@proxy:1080"))
                .hasMessageContaining("only http:// and https:// (HTTP CONNECT), socks5:// and socks5h:// proxies")
                .hasMessageNotContaining("hunter2");
        assertThat(OutboundProxy.parse("socks5h://ann:hunter2@proxy:1080").toString())
                .isEqualTo("socks5h://proxy:1080 (with credentials)");
        assertThatThrownBy(() -> OutboundProxy.parse("ftp://ann:hunter2@proxy:21"))
                .hasMessageContaining("not ftp://").hasMessageNotContaining("hunter2");
        assertThat(OutboundProxy.parse("https://ann:hunter2@proxy").toString())
                .isEqualTo("https://proxy:443 (with credentials)");
        assertThatThrownBy(() -> OutboundProxy.parse("http://ann:hun ter2@proxy:3128"))
                .hasMessageContaining("not a URL").hasMessageNotContaining("hun ter2");
        assertThatThrownBy(() -> OutboundProxy.parse("http://ann:hunter2%zz@proxy:3128"))
                .hasMessageContaining("not a URL (Malformed escape pair)").hasMessageNotContaining("hunter2");
    }

    @Test
    void refusesWhatIsNoProxyAddress() {
        assertThatThrownBy(() -> OutboundProxy.parse("http://proxy:3128/path")).hasMessageContaining("no path");
        assertThatThrownBy(() -> OutboundProxy.parse("http://:3128")).hasMessageContaining("names no host");
    }

    @Test
    void readsHttpsUrlsWithPort443ByDefault() {
        assertThat(OutboundProxy.parse("https://proxy.corp")).isEqualTo(
                new OutboundProxy(OutboundProxy.Kind.HTTPS, "proxy.corp", 443, null, null));
        assertThat(OutboundProxy.parse("HTTPS://[fd00::1]:8443/")).isEqualTo(
                new OutboundProxy(OutboundProxy.Kind.HTTPS, "fd00::1", 8443, null, null));
        assertThat(OutboundProxy.parse("https://ann:pw@proxy.corp").authorization()).isEqualTo("Basic YW5uOnB3");
    }

    @Test
    void readsSocks5UrlsWithTheirDefaultPort() {
        assertThat(OutboundProxy.parse("socks5://proxy.corp")).isEqualTo(
                new OutboundProxy(OutboundProxy.Kind.SOCKS5, "proxy.corp", 1080, null, null));
        assertThat(OutboundProxy.parse("SOCKS5H://[fd00::1]:9050/")).isEqualTo(
                new OutboundProxy(OutboundProxy.Kind.SOCKS5H, "fd00::1", 9050, null, null));
        OutboundProxy p = OutboundProxy.parse("socks5h://ann%40corp:p%3Ass@proxy:1080");
        assertThat(p.username()).isEqualTo("ann@corp");
        assertThat(p.password()).isEqualTo("p:ss");
        assertThat(OutboundProxy.parse("socks5://ann@proxy").password()).isEmpty();
    }

    @Test
    void refusesSocks5CredentialsRfc1929CannotCarry() {
        String longName = "a".repeat(256);
        assertThatThrownBy(() -> OutboundProxy.parse("socks5://" + longName + ":hunter2@proxy"))
                .hasMessageContaining("1 to 255 bytes").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> OutboundProxy.parse("socks5://:hunter2@proxy"))
                .hasMessageContaining("1 to 255 bytes").hasMessageNotContaining("hunter2");
        String longPassword = "p".repeat(256);
        assertThatThrownBy(() -> OutboundProxy.parse("socks5://ann:" + longPassword + "@proxy"))
                .hasMessageContaining("at most 255").hasMessageNotContaining(longPassword);
        assertThat(OutboundProxy.parse("socks5://" + "a".repeat(255) + ":" + "p".repeat(255) + "@proxy").hasCredentials())
                .isTrue();
        // HTTP Basic has no such limit.
        assertThat(OutboundProxy.parse("http://" + longName + ":x@proxy").username()).isEqualTo(longName);
    }
}
