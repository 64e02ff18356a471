package io.microlink.daemon;

import io.microlink.daemon.cli.Cli;
import io.microlink.daemon.cli.Io;
import io.microlink.daemon.verbs.Verbs;

/** {@code microlink <verb>}: the daemon and the commands that steer it (see {@code microlink --help}). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.setProperty("java.util.logging.manager", DaemonLogging.LastingLogManager.class.getName());
        System.exit(new Cli(Verbs.all()).run(args, Io.system()));
    }
}
