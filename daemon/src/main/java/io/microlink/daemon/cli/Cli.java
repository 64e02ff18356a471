package io.microlink.daemon.cli;

import io.microlink.Version;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code microlink} command line: picks the verb, parses its flags, runs it, and turns
 * every failure into one line on stderr and an exit code (0 done, 1 failed, 2 bad command
 * line, 78 unusable state directory). Stack traces only for our own bugs.
 *
 * <pre>{@code
 * int code = new Cli(Verbs.all()).run(new String[] {"status", "--json"}, Io.system());
 * }</pre>
 */
public final class Cli {
    public static final int USAGE = 2;

    private final Map<String, Verb> verbs = new LinkedHashMap<>();

    public Cli(List<Verb> verbs) {
        verbs.forEach(v -> this.verbs.put(v.name(), v));
    }

    public int run(String[] argv, Io io) {
        if (argv.length == 0) {
            io.err().print(overview());
            return USAGE;
        }
        String first = argv[0];
        if (first.equals("--help") || first.equals("-h") || first.equals("help") && argv.length == 1) {
            io.out().print(overview());
            return 0;
        }
        if (first.equals("--version") || first.equals("version")) {
            io.out().println("microlink " + Version.VERSION);
            return 0;
        }
        if (first.equals("help")) {
            return run(new String[] {argv[1], "--help"}, io);
        }
        Verb verb = verbs.get(first);
        if (verb == null) {
            io.err().println("microlink: unknown command '" + first + "'; " + Suggestions.closest(first, verbs.keySet())
                    .map(v -> "did you mean '" + v + "'?").orElse("see microlink --help"));
            return USAGE;
        }
        Options options = CommonFlags.of(verb);
        try {
            Options.Parsed args = options.parse(Arrays.asList(argv).subList(1, argv.length));
            if (args.flag("help")) {
                io.out().print(help(verb, options));
                return 0;
            }
            var stateDir = Locations.stateDir(args.value("state-dir"), io.env());
            var socket = Locations.socket(args.value("socket"), io.env(), stateDir);
            return verb.run(args, new Context(io, stateDir, socket));
        } catch (UsageException e) {
            io.err().println("microlink " + verb.name() + ": " + e.getMessage() + "; see microlink " + verb.name()
                    + " --help");
            return USAGE;
        } catch (CliException e) {
            io.err().println("microlink " + verb.name() + ": " + e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            io.err().println("microlink " + verb.name() + ": " + e.getMessage());
            return CliException.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            io.err().println("microlink " + verb.name() + ": interrupted");
            return CliException.FAILED;
        }
    }

    private String overview() {
        StringBuilder sb = new StringBuilder("""
                microlink: a Tailscale-compatible tailnet node in Java, and the commands to steer it.

                usage: microlink <command> [flags] [arguments]

                commands:
                """);
        int width = verbs.keySet().stream().mapToInt(String::length).max().orElse(0);
        verbs.values().forEach(v -> sb.append("  ").append(v.name()).append(" ".repeat(width - v.name().length() + 2))
                .append(v.summary()).append('\n'));
        sb.append("\nmicrolink <command> --help tells more about a command.\n");
        return sb.toString();
    }

    private static String help(Verb verb, Options options) {
        String usage = "usage: microlink " + verb.name() + " [flags]"
                + (verb.arguments().isEmpty() ? "" : " " + verb.arguments());
        return usage + "\n\n" + verb.summary() + "\n" + (verb.details().isEmpty() ? "" : "\n" + verb.details().strip()
                + "\n") + "\nflags:\n" + options.help();
    }
}
