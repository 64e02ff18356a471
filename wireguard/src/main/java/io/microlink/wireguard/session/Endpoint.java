package io.microlink.wireguard.session;

/**
 * Where a peer is reached and where a datagram came from, as the {@link Network} that carries
 * the engine's messages names it: a UDP address for a plain WireGuard device
 * ({@link UdpEndpoint}), or anything else a runtime routes by itself, such as a tailnet peer
 * that magicsock reaches through DERP or a direct path it picks per packet.
 *
 * <p>The engine does not route by endpoints: it only hands one back to its {@code Network}
 * to send there (a peer's, from its {@link PeerSpec} or roaming, or the source of a handshake
 * it answers). Beyond that it relies on this contract:
 * <ul>
 *   <li>Immutable, with {@code equals} and {@code hashCode} by value: with
 *       {@link EngineSettings#roaming() roaming} on, a peer moves to the source of an
 *       authenticated packet when that source is not equal to its current endpoint.
 *   <li>{@code toString} is readable in a log line ("192.0.2.1:51820").
 *   <li>A runtime should pass the same object for datagrams from the same source rather than
 *       a new one each time, so that receiving costs no allocation.
 * </ul>
 */
public interface Endpoint {
    /**
     * This endpoint as bytes, which the cookie of a responder under load is bound to: a sender
     * with a cookie for one endpoint cannot use it from another. For UDP, the IP address and
     * port (whitepaper §5.4.7). Called only for handshake messages while under load.
     *
     * @return the bytes; the same for equal endpoints
     */
    byte[] cookieBytes();

    /**
     * The sender as the per-source limit on handshakes under load counts it: endpoints with
     * equal keys share one token bucket. For UDP the IPv4 address without the port, or the
     * IPv6 /64, so that a host gets no more handshakes by sending from more ports or more of
     * its addresses.
     *
     * @return a key with {@code equals} and {@code hashCode}
     */
    Object rateLimitKey();
}
