package io.microlink.examples;

import io.microlink.host.text.FlagValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An example's command line: {@code --name VALUE} or {@code --name=VALUE} for the flags that
 * take a value, bare {@code --name} for switches, and positional arguments. Anything else is
 * a usage error naming what was wrong.
 *
 * <pre>{@code
 * ExampleArgs a = ExampleArgs.parse(List.of("laptop", "--count", "3"), Set.of("count"), Set.of("udp"));
 * a.positionals("PEER");            // [laptop]
 * a.intValue("count", 5, 1, 100);   // 3
 * a.flag("udp");                    // false
 * }</pre>
 */
final class ExampleArgs {

    private final Map<String, String> values;
    private final Set<String> switches;
    private final List<String> positionals;

    private ExampleArgs(Map<String, String> values, Set<String> switches, List<String> positionals) {
        this.values = values;
        this.switches = switches;
        this.positionals = positionals;
    }

    static ExampleArgs parse(List<String> argv, Set<String> valueFlags, Set<String> switchFlags)
            throws UsageException {
        Map<String, String> values = new HashMap<>();
        Set<String> switches = new HashSet<>();
        List<String> positionals = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (!a.startsWith("--")) {
                positionals.add(a);
                continue;
            }
            int eq = a.indexOf('=');
            String name = a.substring(2, eq < 0 ? a.length() : eq);
            if (switchFlags.contains(name)) {
                if (eq >= 0) {
                    throw new UsageException("--" + name + " takes no value");
                }
                switches.add(name);
            } else if (!valueFlags.contains(name)) {
                throw new UsageException("unknown flag --" + name);
            } else if (eq >= 0) {
                values.put(name, a.substring(eq + 1));
            } else if (i + 1 < argv.size()) {
                values.put(name, argv.get(++i));
            } else {
                throw new UsageException("--" + name + " needs a value");
            }
        }
        return new ExampleArgs(values, switches, List.copyOf(positionals));
    }

    /** The flag's value, or {@code fallback} when it was not given. */
    String value(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    boolean flag(String name) {
        return switches.contains(name);
    }

    int intValue(String name, int fallback, int min, int max) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return FlagValues.wholeNumber(name, v, min, max);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** A port flag, 1-65535, or -1 when it was not given. */
    int port(String name) throws UsageException {
        return intValue(name, -1, 1, 65535);
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m} or {@code 1h}; a bare number is seconds. */
    Duration duration(String name, Duration fallback) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        return FlagValues.duration(v).filter(d -> !d.isZero()).orElseThrow(() -> new UsageException(
                "--" + name + " must be a duration like 500ms, 30s, 2m or 1h, got '" + v + "'"));
    }

    /** The first positional argument (a sub-command), or "" when there is none. */
    String command() {
        return positionals.isEmpty() ? "" : positionals.getFirst();
    }

    /** Exactly the positional arguments {@code names}, else a usage error saying what was expected. */
    List<String> positionals(String... names) throws UsageException {
        if (positionals.size() != names.length) {
            throw new UsageException(names.length == 0 ? "unexpected argument '" + positionals.getFirst() + "'"
                    : "expected " + String.join(" ", names) + ", got "
                    + (positionals.isEmpty() ? "nothing" : String.join(" ", positionals)));
        }
        return positionals;
    }
}
