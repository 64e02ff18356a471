package io.microlink.host.text;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Values people type on a command line, read the same way by the {@code microlink} CLI and
 * the example programs: whole numbers in a range, and durations such as {@code 500ms},
 * {@code 30s}, {@code 2m} or {@code 1h} (a bare number is seconds).
 *
 * <pre>{@code
 * int port = FlagValues.wholeNumber("port", "8080", 1, 65535);           // 8080
 * Optional<Duration> d = FlagValues.duration("2m");                      // PT2M
 * }</pre>
 */
public final class FlagValues {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    private FlagValues() {}

    /**
     * {@code text} as a whole number from {@code min} to {@code max}.
     *
     * @param flag the flag's name without dashes, for the message
     * @throws IllegalArgumentException with a message for the user when it is not one
     */
    public static int wholeNumber(String flag, String text, int min, int max) {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw new IllegalArgumentException("--" + flag + " must be a whole number from " + min + " to " + max
                + ", got '" + text + "'");
    }

    /** {@code text} as a duration, or empty when it has another form; zero is a duration here. */
    public static Optional<Duration> duration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        });
    }
}
