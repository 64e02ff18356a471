package io.microlink.host.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a local proxy listens, whom it asks for a password, and its limits.
 *
 * <pre>{@code
 * ProxySettings s = ProxySettings.onPort(1080).withMaxConnections(64).withConnectTimeout(Duration.ofSeconds(5))
 *         .withCredentials(ProxyCredentials.of("alice", password));
 * }</pre>
 *
 * @param bind                   the local address to listen on; port 0 picks a free one
 * @param maxConnections         connections served at once; more are refused with the protocol's error
 * @param handshakeTimeout       how long a client has to send its whole request (SOCKS5 negotiation or
 *                               HTTP head), however it spreads its bytes over that time
 * @param connectTimeout         how long to wait for the tailnet peer, WireGuard handshake included
 * @param maxHandshakesPerSource clients from one source address that may be in their handshake at once;
 *                               more from that address are closed on arrival, so that one slow source
 *                               cannot take every connection slot
 * @param credentials            the username and password clients must give; null for none
 */
public record ProxySettings(InetSocketAddress bind, int maxConnections, Duration handshakeTimeout,
                            Duration connectTimeout, int maxHandshakesPerSource, ProxyCredentials credentials) {
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_MAX_HANDSHAKES_PER_SOURCE = 16;

    public ProxySettings {
        Objects.requireNonNull(bind, "bind address");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max connections must be at least 1, got " + maxConnections);
        }
        if (maxHandshakesPerSource < 1) {
            throw new IllegalArgumentException("max handshakes per source must be at least 1, got "
                    + maxHandshakesPerSource);
        }
        requirePositive(handshakeTimeout, "handshake timeout");
        requirePositive(connectTimeout, "connect timeout");
    }

    /** {@code 127.0.0.1:port} (0: any free port) with the default limits and no password. */
    public static ProxySettings onPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        return new ProxySettings(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port),
                DEFAULT_MAX_CONNECTIONS, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_MAX_HANDSHAKES_PER_SOURCE, null);
    }

    public ProxySettings withBind(InetSocketAddress address) {
        return new ProxySettings(address, maxConnections, handshakeTimeout, connectTimeout, maxHandshakesPerSource,
                credentials);
    }

    public ProxySettings withMaxConnections(int n) {
        return new ProxySettings(bind, n, handshakeTimeout, connectTimeout, maxHandshakesPerSource, credentials);
    }

    public ProxySettings withHandshakeTimeout(Duration d) {
        return new ProxySettings(bind, maxConnections, d, connectTimeout, maxHandshakesPerSource, credentials);
    }

    public ProxySettings withConnectTimeout(Duration d) {
        return new ProxySettings(bind, maxConnections, handshakeTimeout, d, maxHandshakesPerSource, credentials);
    }

    public ProxySettings withMaxHandshakesPerSource(int n) {
        return new ProxySettings(bind, maxConnections, handshakeTimeout, connectTimeout, n, credentials);
    }

    /** These settings asking clients for {@code c}; null asks for nothing. */
    public ProxySettings withCredentials(ProxyCredentials c) {
        return new ProxySettings(bind, maxConnections, handshakeTimeout, connectTimeout, maxHandshakesPerSource, c);
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}
