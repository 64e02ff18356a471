package io.microlink.peerapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * tailscale's peerAPI port ({@code peerAPIServer.listen}: {@code (32 << 10) | uint16(crc32.ChecksumIEEE(last3))},
 * the first byte plus the attempt). The expected values are the IEEE CRC-32 of those bytes as
 * Python's zlib computes it (the same polynomial as Go's hash/crc32).
 */
class PeerApiPortTest {
    @Test
    void thePortIsTailscalesForTheAddress() {
        assertThat(PeerApiServer.port(InetAddress.ofLiteral("100.64.0.1"), 0)).isEqualTo(58436);
        assertThat(PeerApiServer.port(InetAddress.ofLiteral("100.64.0.1"), 1)).isEqualTo(36467);
        assertThat(PeerApiServer.port(InetAddress.ofLiteral("100.64.0.7"), 0)).isEqualTo(49521);
        assertThat(PeerApiServer.port(InetAddress.ofLiteral("100.64.0.7"), 1)).isEqualTo(43846);
        assertThat(PeerApiServer.port(InetAddress.ofLiteral("fd7a:115c:a1e0::1"), 0)).isEqualTo(59780);
    }
}
