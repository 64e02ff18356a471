package io.microlink;

import java.time.Instant;

/**
 * How this node currently reaches one peer, for status displays.
 *
 * @param path          {@code DERP(<region code>)}, a direct {@code ip:port}, or {@code none} before
 *                      any path is known
 * @param lastHandshake the last completed WireGuard handshake, or null if none yet
 */
public record PeerPathStatus(String peer, String path, Instant lastHandshake, long rxBytes, long txBytes) {}
