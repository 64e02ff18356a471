package io.microlink;

import java.time.Duration;
import java.time.Instant;

/**
 * How this node currently reaches one peer, for status displays.
 *
 * @param rxBytes bytes received from the peer through WireGuard
 * @param txBytes bytes sent to the peer through WireGuard
 * @param peer          the peer's {@link Peer#fqdn()}, or its short node key once the netmap no longer lists it
 * @param path          {@code DERP(<region code>)}, a direct {@code ip:port}, or {@code none} before
 *                      any path is known
 * @param lastHandshake the last completed WireGuard handshake, or null if none yet
 * @param latency       the round trip of the latest DISCO pong on the direct path, or null while
 *                      there is no proven direct path (relayed peers are not measured)
 */
public record PeerPathStatus(String peer, String path, Instant lastHandshake, long rxBytes, long txBytes,
                             Duration latency) {}
