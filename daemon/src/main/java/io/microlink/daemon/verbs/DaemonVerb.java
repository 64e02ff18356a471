package io.microlink.daemon.verbs;

import io.microlink.daemon.DaemonRunner;
import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;
import java.io.IOException;

/** {@code microlink daemon}: run the node and the local API until SIGTERM, SIGINT or {@code reset --stop}. */
final class DaemonVerb implements Verb {
    @Override
    public String name() {
        return "daemon";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "run the tailnet node and the local API the other commands talk to";
    }

    @Override
    public String details() {
        return """
                Keeps its keys and settings in the state directory (created owner-only) and
                listens on a Unix socket only its user can use. One daemon per state directory.
                Logs to stderr. Stops cleanly on SIGTERM or SIGINT. Exits with 78 when the state
                directory's files are broken, saying how to recover (systemd then does not
                restart it in a loop).""";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(Options.Parsed args, Context context)
            throws CliException, UsageException, IOException, InterruptedException {
        args.requirePositionals();
        return new DaemonRunner(context).run(Verbs.methods());
    }
}
