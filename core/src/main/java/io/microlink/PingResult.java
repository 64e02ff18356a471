package io.microlink;

import java.time.Duration;

/**
 * A DISCO ping's answer: which path it came back on and how long the round trip took.
 *
 * @param path {@code DERP(<region code>)} for a relayed answer, {@code ip:port} for a direct one
 */
public record PingResult(String peer, String path, Duration latency) {
    public boolean direct() {
        return !path.startsWith("DERP(");
    }
}
