package io.microlink.http;

/**
 * Text a peer, a relay or control chose (a DERP server's health message, an HTTP status line,
 * an error body), made fit for a log line or an error message: bounded in length, and every
 * control or formatting character (line breaks, terminal escapes, C1 controls, bidi overrides)
 * written as a visible {@code \}{@code uXXXX} escape, so the sender can neither forge log lines
 * nor fill the log.
 *
 * <pre>{@code
 * LOG.log(Level.WARNING, "DERP server reports: {0}", PeerText.forLog(health, PeerText.DEFAULT_MAX));
 * }</pre>
 */
public final class PeerText {
    /** A bound that keeps a complaint readable and a log line short. */
    public static final int DEFAULT_MAX = 256;

    private PeerText() {}

    /**
     * {@code text} with control and format characters escaped, cut after {@code max} characters
     * of the original with a note of how many more there were.
     */
    public static String forLog(String text, int max) {
        if (text == null) {
            return "";
        }
        int shown = Math.min(text.length(), max);
        StringBuilder sb = new StringBuilder(shown + 16);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c) && !wellPaired(text, i)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (text.length() > shown) {
            sb.append("... (").append(text.length() - shown).append(" more characters)");
        }
        return sb.toString();
    }

    /** Whether the surrogate at {@code i} is half of a valid pair (a lone one would garble the line). */
    private static boolean wellPaired(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
