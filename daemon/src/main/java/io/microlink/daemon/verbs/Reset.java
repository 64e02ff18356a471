package io.microlink.daemon.verbs;

import io.microlink.daemon.Daemon;
import io.microlink.daemon.StateDirectory;
import io.microlink.daemon.api.ApiProtocol;
import io.microlink.daemon.api.ApiRequest;
import io.microlink.daemon.api.Method;
import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code microlink reset --yes}: the factory reset. Erases the node's keys, settings and the
 * daemon's other files, so the next start is a new device. Refuses while the daemon runs
 * unless {@code --stop} asks it to stop first (the {@code shutdown} method).
 */
final class Reset implements Verb, Method {
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    @Override
    public String name() {
        return "reset";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "factory reset: erase this node's keys, settings and cache (needs --yes)";
    }

    @Override
    public String details() {
        return """
                Afterwards the node is a new device: it logs in again and gets a new identity
                and new addresses. Also the way out of a state directory whose files are broken.
                Only the daemon's own files are removed.""";
    }

    @Override
    public Options options() {
        return new Options().flag("yes", "y", "really erase")
                .flag("stop", null, "ask a running daemon to stop first (it is not restarted)");
    }

    @Override
    public int run(Options.Parsed args, Context context) throws CliException, UsageException, IOException,
            InterruptedException {
        args.requirePositionals();
        if (!args.flag("yes")) {
            throw new UsageException("this erases the node's keys and settings in " + context.stateDir()
                    + "; add --yes to do it");
        }
        StateDirectory dir = new StateDirectory(context.stateDir());
        if (args.flag("stop")) {
            stopDaemon(context);
        }
        List<Path> removed = dir.factoryReset();
        for (Path p : removed) {
            context.io().out().println("removed " + p);
        }
        context.io().out().println(removed.isEmpty() ? "nothing to erase in " + context.stateDir()
                : "factory reset done: the next start is a new device");
        return 0;
    }

    /** Asks the daemon to stop, if one answers, and waits (bounded) until its lock is free. */
    private void stopDaemon(Context context) throws CliException, InterruptedException, IOException {
        try {
            context.api().call(ApiProtocol.object().put("method", method()));
        } catch (CliException e) {
            return; // nothing answers: the reset finds out whether a daemon still holds the directory
        }
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        while (true) {
            try {
                new StateDirectory(context.stateDir()).checkNotRunning();
                return;
            } catch (CliException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new CliException("the daemon did not stop within " + STOP_WAIT.toSeconds() + " s");
                }
                Thread.sleep(POLL);
            }
        }
    }

    @Override
    public String method() {
        return "shutdown";
    }

    @Override
    public Reply handle(ApiRequest request, Daemon daemon) {
        daemon.requestShutdown();
        return Reply.of(ApiProtocol.object().put("stopping", true));
    }
}
