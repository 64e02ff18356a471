package io.microlink.wireguard.session;

import java.time.Instant;

/** The engine's only view of time, so tests can run its timers on a fake clock. */
public interface TimeSource {
    /**
     * Monotonic nanoseconds, as {@link System#nanoTime()}.
     *
     * @return the time in nanoseconds
     */
    long nanoTime();

    /**
     * Wall-clock time, for handshake timestamps.
     *
     * @return the time
     */
    Instant now();

    /**
     * The system's clocks.
     *
     * @return a time source on {@link System#nanoTime()} and {@link Instant#now()}
     */
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
