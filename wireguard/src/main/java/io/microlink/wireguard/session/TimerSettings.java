package io.microlink.wireguard.session;

import java.time.Duration;

/**
 * The protocol's time and message limits (whitepaper §6.1, table 2). {@link #DEFAULT} is the
 * protocol; tests shorten the times to see rekeying happen within seconds.
 *
 * @param rekeyAfterTime age of a session after which the initiator starts a new handshake
 * @param rejectAfterTime age after which a session key is no longer used
 * @param rekeyAttemptTime how long to keep retrying a handshake before giving up
 * @param rekeyTimeout wait before retrying an unanswered initiation
 * @param rekeyTimeoutJitter random extra wait added to each retry
 * @param keepaliveTimeout quiet time after receiving data before a keepalive answers it
 * @param rekeyAfterMessages  unsigned message count after which the initiator rekeys
 * @param rejectAfterMessages unsigned message count after which a key is never used again
 */
public record TimerSettings(Duration rekeyAfterTime, Duration rejectAfterTime, Duration rekeyAttemptTime,
                            Duration rekeyTimeout, Duration rekeyTimeoutJitter, Duration keepaliveTimeout,
                            long rekeyAfterMessages, long rejectAfterMessages) {

    /**
     * The whitepaper's timings: rekey after 120 s, reject after 180 s, retry every 5 s for 90 s, keepalive after 10 s.
     */
    public static final TimerSettings DEFAULT = new TimerSettings(Duration.ofSeconds(120), Duration.ofSeconds(180),
            Duration.ofSeconds(90), Duration.ofSeconds(5), Duration.ofMillis(334), Duration.ofSeconds(10),
            1L << 60, -1L - (1L << 13));

    /**
     * Checks that a key is renewed before it expires.
     *
     * @throws IllegalArgumentException if rekey-after-time is not shorter than reject-after-time
     */
    public TimerSettings {
        if (rekeyAfterTime.compareTo(rejectAfterTime) >= 0) {
            throw new IllegalArgumentException("rekey-after-time must be shorter than reject-after-time");
        }
    }

    /**
     * The defaults with a shorter rekey-after-time, as tests of rekeying need.
     *
     * @param rekeyAfter the new rekey-after-time
     * @return the new settings
     */
    public TimerSettings withRekeyAfterTime(Duration rekeyAfter) {
        return new TimerSettings(rekeyAfter, rejectAfterTime, rekeyAttemptTime, rekeyTimeout, rekeyTimeoutJitter,
                keepaliveTimeout, rekeyAfterMessages, rejectAfterMessages);
    }

    /** RekeyAttemptTime / RekeyTimeout: 18 with the defaults. */
    int maxHandshakeAttempts() {
        return (int) (rekeyAttemptTime.toNanos() / rekeyTimeout.toNanos());
    }
}
