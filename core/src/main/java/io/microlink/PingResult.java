package io.microlink;

import java.time.Duration;

/**
 * A DISCO ping's answer: which path it came back on and how long the round trip took.
 *
 * @param peer the peer's FQDN
 * @param latency the round-trip time
 * @param path {@code DERP(<region code>)} for a relayed answer, {@code ip:port} for a direct one
 */
public record PingResult(String peer, String path, Duration latency) {
    /**
     * Whether the answer came on a direct path rather than through a relay.
     *
     * @return {@code true} for a direct path
     */
    public boolean direct() {
        return !path.startsWith("DERP(");
    }
}
