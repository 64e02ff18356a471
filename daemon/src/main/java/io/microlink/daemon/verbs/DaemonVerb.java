package io.microlink.daemon.verbs;

import io.microlink.TailnetNode;
import io.microlink.daemon.DaemonRunner;
import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.OwnerOnlyFile;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;
import io.microlink.daemon.UplinkOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

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
                SOCKS5/HTTP proxies and served ports are off: programs use the tailnet directly.

                Control and DERP connections go through an HTTP proxy (CONNECT tunnels) or a SOCKS5
                one when the environment names one, as for tailscaled: HTTPS_PROXY for https
                servers, HTTP_PROXY for http ones, NO_PROXY for exceptions (ALL_PROXY is not read,
                as tailscaled does not); --outbound-proxy URL overrides that
                (http://[user:password@]host:port, https://... for TLS to the proxy itself, checked
                with the JVM's trust store (-Djavax.net.ssl.trustStore=FILE replaces it),
                socks5://... to send the address resolved here,
                socks5h://... to let the proxy resolve the name, or "direct" for none). A password in
                --outbound-proxy shows to every local user in ps (/proc/PID/cmdline): put the URL in
                an owner-only file and give --outbound-proxy-file FILE (a file others can read or
                write is refused), or set the variable in the daemon's environment (e.g. a systemd
                EnvironmentFile that only root reads). UDP cannot use the proxy, so behind one the
                node reaches its peers through DERP. A relay that answers DERP's own upgrade with
                an ordinary HTTP response (a reverse proxy in front of it that passes WebSockets
                only) is asked again for a WebSocket, which headscale's relay accepts;
                --derp-websocket asks for one from the start.

                With --uplinks wlan0,wwan0 (interfaces that each have a route of their own to the
                internet, most preferred first) the node checks each one every --uplink-check
                (default 5s) from sockets bound to it, sends its traffic through the most preferred
                healthy one, moves on after three failed checks in a row, and comes back once the
                preferred one has been healthy for --uplink-failback (default 60s). Needs
                java --enable-native-access=ALL-UNNAMED, and Linux 5.7 or CAP_NET_RAW.""";
    }

    @Override
    public Options options() {
        return new Options().value("tun", null, "NAME", "carry the tailnet through a TUN device of this name,"
                + " e.g. tailscale0 (default: userspace networking, no root)")
                .value("outbound-proxy", null, "URL", "reach control and DERP through this HTTP(S) or SOCKS5 proxy, or \"direct\""
                        + " (default: HTTPS_PROXY/HTTP_PROXY/NO_PROXY); a password here shows in ps")
                .value("outbound-proxy-file", null, "FILE", "read the --outbound-proxy URL from FILE, which must be"
                        + " owner-only (keeps a password out of ps)")
                .flag("derp-websocket", null, "reach DERP relays through a WebSocket (Sec-WebSocket-Protocol: derp)"
                        + " instead of Upgrade: DERP; without it a WebSocket is tried when a relay refuses that")
                .value("uplinks", null, "IF,IF", "fail over between these interfaces, most preferred first")
                .value("uplink-check", null, "DURATION", "how often each uplink is health-checked (default 5s)")
                .value("uplink-failback", null, "DURATION", "how long the preferred uplink must stay healthy"
                        + " before traffic returns to it (default 60s)");
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
        String proxy = outboundProxy(args);
        return new DaemonRunner(context, tun, proxy, uplinks(args), args.flag("derp-websocket")).run(Verbs.methods());
    }

    /** The proxy URL from --outbound-proxy or the owner-only file --outbound-proxy-file names; null for neither. */
    private static String outboundProxy(Options.Parsed args) throws UsageException, CliException {
        String inline = args.value("outbound-proxy");
        String file = args.value("outbound-proxy-file");
        if (inline != null && file != null) {
            throw new UsageException("give --outbound-proxy or --outbound-proxy-file, not both");
        }
        String proxy = file != null ? OwnerOnlyFile.readLine(Path.of(file).toAbsolutePath(), "outbound proxy file")
                : inline;
        if (proxy != null) {
            try {
                TailnetNode.builder().outboundProxy(proxy);
            } catch (IllegalArgumentException e) {
                // The parser's messages never quote the password, whichever flag carried the URL.
                throw new UsageException((file != null ? "--outbound-proxy-file " + file : "--outbound-proxy") + ": "
                        + e.getMessage());
            }
        }
        return proxy;
    }

    private static UplinkOptions uplinks(Options.Parsed args) throws UsageException {
        String list = args.value("uplinks");
        UplinkOptions o = new UplinkOptions(list == null || list.isBlank() ? List.of()
                : Arrays.stream(list.split(",")).map(String::strip).toList(),
                args.duration("uplink-check", UplinkOptions.NONE.checkInterval()),
                args.duration("uplink-failback", UplinkOptions.NONE.failback()));
        try {
            o.applyTo(TailnetNode.builder()); // the node's own rules for names and timings
        } catch (IllegalArgumentException e) {
            throw new UsageException("--uplinks: " + e.getMessage());
        }
        return o;
    }
}
