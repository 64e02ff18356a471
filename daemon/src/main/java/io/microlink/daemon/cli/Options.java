package io.microlink.daemon.cli;

import io.microlink.host.text.FlagValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The flags a verb accepts, which both parse its command line and write its {@code --help}.
 * Long flags take {@code --name value} or {@code --name=value}; boolean flags also
 * {@code --name=false}; {@code --} ends the flags.
 *
 * <pre>{@code
 * Options o = new Options().flag("json", null, "print JSON").value("count", "c", "N", "pings to send (default 10)");
 * Options.Parsed p = o.parse(List.of("-c", "3", "laptop"));
 * p.intValue("count", 10, 1, 1000);   // 3
 * p.positionals();                    // [laptop]
 * }</pre>
 */
public final class Options {
    /**
     * One flag as declared; help, shell completion and the man page are all written from these.
     * Its value name also says what the shells complete for it: a {@code FILE} or {@code PATH}
     * completes file names, a {@code DIR} directories, anything else nothing.
     */
    public record Flag(String name, String shortName, String valueName, String description) {
        public boolean takesValue() {
            return valueName != null;
        }

        /** The value is a file (or socket) name. */
        public boolean takesFile() {
            return "FILE".equals(valueName) || "PATH".equals(valueName);
        }

        /** The value is a directory. */
        public boolean takesDirectory() {
            return "DIR".equals(valueName);
        }

        /** {@code -s, --name VALUE}, as help shows it. */
        public String synopsis() {
            String s = (shortName == null ? "    " : "-" + shortName + ", ") + "--" + name;
            return takesValue() ? s + " " + valueName : s;
        }
    }

    private final Map<String, Flag> byName = new LinkedHashMap<>();

    /** A boolean flag. */
    public Options flag(String name, String shortName, String description) {
        return add(new Flag(name, shortName, null, description));
    }

    /** A flag with a value, shown in help as {@code --name VALUE}. */
    public Options value(String name, String shortName, String valueName, String description) {
        return add(new Flag(name, shortName, valueName, description));
    }

    private Options add(Flag o) {
        byName.put(o.name, o);
        return this;
    }

    /** The flags part of {@code --help}: one line each. */
    public String help() {
        int width = byName.values().stream().mapToInt(o -> o.synopsis().length()).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (Flag o : byName.values()) {
            sb.append("  ").append(o.synopsis()).append(" ".repeat(width - o.synopsis().length() + 2))
                    .append(o.description).append('\n');
        }
        return sb.toString();
    }

    public Parsed parse(List<String> args) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> positionals = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                positionals.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                positionals.add(a);
                continue;
            }
            int eq = a.indexOf('=');
            String key = eq < 0 ? a : a.substring(0, eq);
            Flag o = find(key).orElseThrow(() -> new UsageException("unknown flag " + key + didYouMean(key)));
            String value;
            if (!o.takesValue()) {
                value = eq < 0 ? "true" : a.substring(eq + 1);
                if (!value.equals("true") && !value.equals("false")) {
                    throw new UsageException("flag --" + o.name + " is true or false, got '" + value + "'");
                }
            } else if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException("flag --" + o.name + " needs a value (" + o.valueName + ")");
            }
            values.put(o.name, value);
        }
        return new Parsed(values, List.copyOf(positionals));
    }

    /** The declared flags, in the order help lists them. */
    public List<Flag> flags() {
        return List.copyOf(byName.values());
    }

    /** {@code " (did you mean --json?)"} for a long flag close to a declared one, else empty. */
    private String didYouMean(String token) {
        if (!token.startsWith("--")) {
            return "";
        }
        return Suggestions.closest(token.substring(2), byName.keySet()).map(n -> " (did you mean --" + n + "?)")
                .orElse("");
    }

    private Optional<Flag> find(String token) {
        if (token.startsWith("--")) {
            return Optional.ofNullable(byName.get(token.substring(2)));
        }
        String s = token.substring(1);
        return byName.values().stream().filter(o -> s.equals(o.shortName)).findFirst();
    }

    /** A parsed command line: flag values by long name, and the rest. */
    public record Parsed(Map<String, String> values, List<String> positionals) {
        public boolean flag(String name) {
            return "true".equals(values.get(name));
        }

        /** The flag's value, or null when it was not given. */
        public String value(String name) {
            return values.get(name);
        }

        public int intValue(String name, int fallback, int min, int max) throws UsageException {
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

        public java.time.Duration duration(String name, java.time.Duration fallback) throws UsageException {
            String v = values.get(name);
            return v == null ? fallback : Durations.parse("--" + name, v);
        }

        /** Exactly {@code names.length} positional arguments, else a usage error naming them. */
        public List<String> requirePositionals(String... names) throws UsageException {
            if (positionals.size() != names.length) {
                throw new UsageException(names.length == 0 ? "unexpected argument '" + positionals.getFirst() + "'"
                        : "expected " + String.join(" ", names) + ", got " + (positionals.isEmpty() ? "nothing"
                        : String.join(" ", positionals)));
            }
            return positionals;
        }
    }
}
