package io.microlink.control;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for reconnecting to control: each failure doubles the
 * ceiling up to a maximum, and the actual wait is drawn from the upper half of it, so a
 * fleet of nodes that lost control together does not come back in lockstep.
 *
 * <pre>{@code
 * Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), RandomGenerator.getDefault());
 * Thread.sleep(backoff.next());   // after a failure
 * backoff.reset();                // after a success
 * }</pre>
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;
    private int failures;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The wait before the next attempt; counts one more failure. */
    public Duration next() {
        long ceiling = initial.toMillis() << Math.min(failures, 30);
        ceiling = Math.min(ceiling, max.toMillis());
        failures++;
        long half = ceiling / 2;
        return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
    }

    public void reset() {
        failures = 0;
    }
}
