package io.microlink.daemon.verbs;

import io.microlink.TailnetNode;
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
                restart it in a loop).

                With --tun NAME the node opens a TUN device so the whole OS reaches the tailnet
                (needs root or CAP_NET_ADMIN, and java --enable-native-access=ALL-UNNAMED); if the
                device cannot be opened it logs why and runs in userspace mode. In TUN mode the
                SOCKS5/HTTP proxies and served ports are off: programs use the tailnet directly.""";
    }

    @Override
    public Options options() {
        return new Options().value("tun", null, "NAME", "carry the tailnet through a TUN device of this name,"
                + " e.g. tailscale0 (default: userspace networking, no root)");
    }

    @Override
    public int run(Options.Parsed args, Context context)
            throws CliException, UsageException, IOException, InterruptedException {
        args.requirePositionals();
        String tun = args.value("tun");
        if (tun != null) {
            try {
                TailnetNode.builder().tunDevice(tun); // the node's own rule for device names
            } catch (IllegalArgumentException e) {
                throw new UsageException("--tun: " + e.getMessage());
            }
        }
        return new DaemonRunner(context, tun).run(Verbs.methods());
    }
}
