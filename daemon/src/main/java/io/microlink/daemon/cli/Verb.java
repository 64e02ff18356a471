package io.microlink.daemon.cli;

import java.io.IOException;

/**
 * One {@code microlink <verb>}: its help and what it does. A verb that needs the daemon
 * usually also implements {@link io.microlink.daemon.api.Method}, so a new verb is one class
 * added to {@link io.microlink.daemon.verbs.Verbs}.
 */
public interface Verb {
    String name();

    /** The arguments after the flags for the usage line, e.g. {@code PEER}; empty when none. */
    String arguments();

    /** One line for {@code microlink --help}. */
    String summary();

    /** What {@code --help} says below the usage line; empty when the summary says it all. */
    default String details() {
        return "";
    }

    /** The verb's own flags; every verb also takes --help, --state-dir and --socket. */
    Options options();

    /** Runs the verb and returns its exit code. */
    int run(Options.Parsed args, Context context)
            throws CliException, UsageException, IOException, InterruptedException;
}
