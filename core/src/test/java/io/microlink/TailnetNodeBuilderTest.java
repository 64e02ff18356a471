package io.microlink;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TailnetNodeBuilderTest {
    @Test
    void badSettingsFailWithAClearMessage() {
        assertThatThrownBy(() -> TailnetNode.builder().controlUrl("ftp://x")).hasMessageContaining("http(s)://host");
        assertThatThrownBy(() -> TailnetNode.builder().controlUrl("not a url")).hasMessageContaining("not a URL");
        assertThatThrownBy(() -> TailnetNode.builder().hostname("-bad")).hasMessageContaining("hostname");
        assertThatThrownBy(() -> TailnetNode.builder().hostname("has space")).hasMessageContaining("hostname");
        assertThatThrownBy(() -> TailnetNode.builder().backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .hasMessageContaining("below");
        assertThatThrownBy(() -> TailnetNode.builder().mapWatchdog(Duration.ZERO)).hasMessageContaining("positive");
        assertThatThrownBy(() -> TailnetNode.builder().udpPort(70000)).hasMessageContaining("0-65535");
        assertThatThrownBy(() -> TailnetNode.builder().controlUrl("http://127.0.0.1:1").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("hostname");
    }

    @Test
    void usingAnExitNodeWhileAdvertisingOneIsRefusedAsTailscaleRefusesItWhicheverComesFirst() {
        String tailscales = "Cannot advertise an exit node and use an exit node at the same time.";
        assertThatThrownBy(() -> TailnetNode.builder().exitNode("exit").advertiseRoutes(java.util.List.of(), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(tailscales);
        assertThatThrownBy(() -> TailnetNode.builder().advertiseRoutes(java.util.List.of("0.0.0.0/0", "::/0"), false)
                .exitNode("exit")).isInstanceOf(IllegalArgumentException.class).hasMessage(tailscales);
        // Subnet routes with an exit node, and an exit node offered while none is used, are fine.
        TailnetNode.builder().exitNode("exit").advertiseRoutes(java.util.List.of("10.1.0.0/16"), false);
        TailnetNode.builder().exitNode("exit").exitNode(null).advertiseRoutes(java.util.List.of(), true);
    }

    @Test
    void theAuthKeyNeverShowsInTheConfig() {
        NodeConfig c = new NodeConfig(java.net.URI.create("http://x"), "tskey-secret", "n", Path.of("/tmp"),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), null, 0,
                io.microlink.derp.DerpClient.Transport.TLS, java.util.Set.of(), null, 1024, null, 32, java.util.List.of(),
                io.microlink.route.RoutePrefs.NONE, java.util.List.of(), true, new io.microlink.netstack.relay.OsRelayTarget(), new io.microlink.outbound.Dialer(io.microlink.outbound.ProxyRules.fixed(
                        io.microlink.outbound.OutboundProxy.parse("http://ann:hunter2@corp:3128"))), null, true);
        org.assertj.core.api.Assertions.assertThat(c.toString()).doesNotContain("tskey-secret", "hunter2").contains("(set)")
                .contains("proxy=http://corp:3128 (with credentials)");
    }

    @Test
    void theOutboundProxyIsCheckedAtOnceWithoutShowingItsPassword() {
        assertThatThrownBy(() -> TailnetNode.builder().outboundProxy("socks4://ann:hunter2@corp:1080"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only http:// and https:// (HTTP CONNECT),")
                .hasMessageNotContaining("hunter2");
        TailnetNode.builder().outboundProxy("corp:3128").outboundProxy("https://corp")
                .outboundProxy("socks5h://ann:hunter2@corp").outboundProxy("direct").outboundProxy(null);
    }

    @Test
    void pathSettingsAreValidated() {
        assertThatThrownBy(() -> TailnetNode.builder().maxActivePeers(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max active peers");
        assertThatThrownBy(() -> TailnetNode.builder().discoAllowlist(java.util.List.of("ts1", " ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowlist");
        assertThatThrownBy(() -> TailnetNode.builder().peerCacheSize(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peer cache size");
    }

    @Test
    void tunDeviceNamesTheKernelWouldRefuseAreRejectedAtOnce() {
        for (String bad : new String[] {"", "a/b", "has space", "eth0:1", "..", "sixteen-chars-xx", "-w", "--help"}) {
            assertThatThrownBy(() -> TailnetNode.builder().tunDevice(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TUN device name");
        }
        TailnetNode.builder().tunDevice("tailscale0").tunDevice("ml.tun_1-a");
    }
}
