package io.microlink.daemon;

import io.microlink.daemon.cli.Cli;
import io.microlink.daemon.cli.Io;
import io.microlink.daemon.verbs.Verbs;

/** {@code microlink <verb>}: the daemon and the commands that steer it (see {@code microlink --help}). */
public final class Main {
    /** Set (to anything): no fast path, every command through the full CLI. */
    static final String FULL_CLI = "MICROLINK_FULL_CLI";

    private Main() {}

    public static void main(String[] args) {
        // status first, before anything loads the verbs, Jackson or logging: it is the command
        // scripts and prompts run most, and it should start like `tailscale status` does. The
        // launcher turns this off for the run that records the CLI's AOT cache, so that the
        // cache holds the classes the other commands load too.
        String status;
        try {
            status = System.getenv(FULL_CLI) != null ? null : FastStatus.answer(args, System.getenv());
        } catch (FastStatus.NoAnswer e) {
            System.err.print("microlink status: ");
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        if (status != null) {
            System.out.print(status);
            System.exit(0);
        }
        System.setProperty("java.util.logging.manager", DaemonLogging.LastingLogManager.class.getName());
        System.exit(new Cli(Verbs.all()).run(args, Io.system()));
    }
}
