package io.microlink.dns;

import java.util.Locale;

/** The one spelling names are compared in: lower case with a trailing dot. */
final class DnsNames {
    private DnsNames() {}

    /** {@code "TS1.Tailnet.test"} and {@code "ts1.tailnet.test."} both become {@code "ts1.tailnet.test."}. */
    static String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    /** Whether canonical {@code name} is {@code zone} or below it; the root zone "." holds every name. */
    static boolean within(String name, String zone) {
        return zone.equals(".") || name.equals(zone) || name.endsWith("." + zone);
    }

    /** The number of labels, "." having none; longer suffixes are more specific routes. */
    static int labels(String name) {
        return name.equals(".") ? 0 : (int) name.chars().filter(c -> c == '.').count();
    }
}
