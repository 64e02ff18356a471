package io.microlink.daemon.cli;

import io.microlink.host.text.FlagValues;
import java.time.Duration;

/** Durations on the command line: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
public final class Durations {
    private Durations() {}

    public static Duration parse(String what, String text) throws UsageException {
        Duration d = FlagValues.duration(text.strip()).orElseThrow(() -> new UsageException(
                what + " must be a duration like 500ms, 30s, 2m or 1h, got '" + text + "'"));
        if (d.isZero()) {
            throw new UsageException(what + " must be longer than zero");
        }
        return d;
    }

    /** A short human form: {@code 850ms}, {@code 12s}, {@code 3m4s}, {@code 2h5m}. */
    public static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 1) {
            return d.toMillis() + "ms";
        }
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
        }
        return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
    }
}
