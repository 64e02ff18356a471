package io.microlink.wireguard.session;

import java.time.Instant;

/** The engine's only view of time, so tests can run its timers on a fake clock. */
public interface TimeSource {
    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Wall-clock time, for handshake timestamps. */
    Instant now();

    static TimeSource system() {
        return new TimeSource() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Instant now() {
                return Instant.now();
            }
        };
    }
}
