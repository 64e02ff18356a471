package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** UDP endpoints, their cache for receive loops, and an engine whose endpoints are not addresses. */
class EndpointTest {
    /** A peer known only by name, as a runtime that picks paths itself (magicsock) names it. */
    record Named(String name) implements Endpoint {
        @Override
        public byte[] cookieBytes() {
            return name.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Object rateLimitKey() {
            return name;
        }
    }

    @Test
    void udpEndpointsAreEqualByAddressAndPrintAsHostAndPort() {
        assertThat(Wire.udp("192.0.2.1", 51820)).isEqualTo(Wire.udp("192.0.2.1", 51820))
                .isNotEqualTo(Wire.udp("192.0.2.1", 51821)).hasToString("192.0.2.1:51820");
        assertThat(new UdpEndpoint(new InetSocketAddress(InetAddress.ofLiteral("2001:db8::1"), 51820)))
                .hasToString("[2001:db8:0:0:0:0:0:1]:51820");
        assertThatThrownBy(() -> new UdpEndpoint(InetSocketAddress.createUnresolved("peer.example", 51820)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void portsOfOneHostShareARateLimitBucketButNotACookie() {
        UdpEndpoint one = Wire.udp("192.0.2.1", 1000), other = Wire.udp("192.0.2.1", 2000);
        assertThat(one.rateLimitKey()).isEqualTo(other.rateLimitKey());
        assertThat(one.cookieBytes()).isNotEqualTo(other.cookieBytes());
    }

    @Test
    void ipv6SourcesShareABucketPerSlash64AndIpv4SourcesOnePerAddress() {
        UdpEndpoint a = v6("2001:db8:1:2::1"), b = v6("2001:db8:1:2:ffff:ffff:ffff:fffe");
        assertThat(a.rateLimitKey()).isEqualTo(b.rateLimitKey());
        assertThat(a.rateLimitKey()).isNotEqualTo(v6("2001:db8:1:3::1").rateLimitKey());
        assertThat(Wire.udp("192.0.2.1", 1).rateLimitKey()).isNotEqualTo(Wire.udp("192.0.2.2", 1).rateLimitKey());
    }

    @Test
    void oneHostSpreadOverItsSlash64GetsNoMoreHandshakesThanOneAddress() {
        SourceRateLimiter limiter = new SourceRateLimiter(20, 1000);
        int allowed = 0;
        for (int i = 1; i <= 500; i++) {
            if (limiter.allow(v6("2001:db8:1:2::" + Integer.toHexString(i)).rateLimitKey(), 0)) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(20);
        assertThat(limiter.size()).isEqualTo(1);
    }

    private static UdpEndpoint v6(String ip) {
        return new UdpEndpoint(new InetSocketAddress(InetAddress.ofLiteral(ip), 51820));
    }

    @Test
    void aReceiveLoopGetsOneEndpointPerSourceAndForgetsTheOldestBeyondItsBound() {
        UdpEndpoints sources = new UdpEndpoints();
        UdpEndpoint first = sources.of(new InetSocketAddress(Wire.ip("192.0.2.1"), 51820));
        assertThat(sources.of(new InetSocketAddress(Wire.ip("192.0.2.1"), 51820))).isSameAs(first);
        for (int port = 1; port <= UdpEndpoints.MAX_SOURCES; port++) {
            sources.of(new InetSocketAddress(Wire.ip("198.51.100.1"), port));
        }
        assertThat(sources.of(first.address())).isNotSameAs(first).isEqualTo(first);
    }

    @Test
    void theEngineWorksWithEndpointsThatAreNotAddressesCookiesIncluded() {
        Named atA = new Named("a"), atB = new Named("b");
        Wire w = new Wire(EngineSettings.DEFAULT.withUnderLoadThreshold(1), null, atA, atB);
        w.sendFromA(100);
        byte[] initiation = w.inFlight.poll().bytes();
        w.deliver(new Wire.Datagram(atA, atB, initiation)); // puts B over its threshold
        w.inFlight.clear();
        w.deliver(new Wire.Datagram(atA, atB, initiation));
        Wire.Datagram cookie = w.inFlight.poll();
        assertThat(cookie.type()).isEqualTo(3);
        assertThat(cookie.to()).isSameAs(atA);
        w.deliver(cookie);
        w.clock.advance(Duration.ofMillis(5400));
        w.a.tick(w.netA);
        Wire.Datagram retry = w.inFlight.poll();
        // Over the threshold again: the earlier one-second window has passed.
        w.deliver(new Wire.Datagram(atA, atB, initiation));
        w.deliver(new Wire.Datagram(atA, atB, initiation));
        w.inFlight.clear();
        // The cookie is bound to the endpoint's bytes: the same retry from another name is refused.
        w.deliver(new Wire.Datagram(new Named("elsewhere"), atB, retry.bytes()));
        assertThat(w.inFlight).singleElement().satisfies(d -> assertThat(d.type()).isEqualTo(3));
        w.inFlight.clear();
        w.deliver(retry);
        w.pump();
        assertThat(w.bAtA.handshakesCompleted()).isEqualTo(1);
        assertThat(w.deliveredAtB).hasSize(1);
        assertThat(w.aAtB.endpoint()).isSameAs(atA);
    }
}
