package io.microlink.wireguard.session;

import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when told to. */
final class FakeClock implements TimeSource {
    private long nanos = 1_000_000_000L;
    private Instant wall = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant now() {
        return wall;
    }

    /** Steps the wall clock only, as NTP or an admin would; monotonic time does not jump. */
    void stepWall(Duration d) {
        wall = wall.plus(d);
    }

    void advance(Duration d) {
        nanos += d.toNanos();
        wall = wall.plus(d);
    }
}
