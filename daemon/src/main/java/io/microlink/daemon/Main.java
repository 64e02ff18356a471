package io.microlink.daemon;

import io.microlink.daemon.cli.Cli;
import io.microlink.daemon.cli.Io;
import io.microlink.daemon.verbs.Verbs;

/** {@code microlink <verb>}: the daemon and the commands that steer it (see {@code microlink --help}). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // status first, before anything loads the verbs, Jackson or logging: it is the command
        // scripts and prompts run most, and it should start like `tailscale status` does.
        String status = FastStatus.answer(args, System.getenv());
        if (status != null) {
            System.out.print(status);
            System.exit(0);
        }
        System.setProperty("java.util.logging.manager", DaemonLogging.LastingLogManager.class.getName());
        System.exit(new Cli(Verbs.all()).run(args, Io.system()));
    }
}
