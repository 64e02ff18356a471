package io.microlink.daemon.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.NodeState;
import io.microlink.Peer;
import io.microlink.TailnetMap;
import io.microlink.TailnetNode;
import io.microlink.daemon.Daemon;
import io.microlink.daemon.api.ApiException;
import io.microlink.daemon.api.ApiProtocol;
import io.microlink.daemon.api.ApiRequest;
import io.microlink.daemon.api.Method;
import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Context;
import io.microlink.daemon.cli.Durations;
import io.microlink.daemon.cli.Options;
import io.microlink.daemon.cli.OwnerOnlyFile;
import io.microlink.daemon.cli.UsageException;
import io.microlink.daemon.cli.Verb;
import io.microlink.host.settings.InvalidSettingsException;
import io.microlink.host.settings.NodeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code microlink up}: connect to the tailnet, logging in with an auth key or through a
 * login URL, and wait (bounded) until connected.
 */
final class Up implements Verb, Method {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(250);
    /** The settings {@code up} may change, by their flag. */
    private static final Map<String, String> FLAG_OF_SETTING = Map.of("controlUrl", "--login-server",
            "authKey", "--auth-key", "hostname", "--hostname", "hostnamePrefix", "--hostname-prefix",
            "proxyUsername", "--proxy-username", "proxyPassword", "--proxy-password-file", "exitNode", "--exit-node");
    /** The on/off settings {@code up} may change, by their flag (without the dashes). */
    private static final Map<String, String> SWITCH_FLAG_OF_SETTING = Map.of("acceptRoutes", "accept-routes",
            "exitNodeAllowLanAccess", "exit-node-allow-lan-access", "advertiseExitNode", "advertise-exit-node",
            "snatSubnetRoutes", "snat-subnet-routes", "acceptDns", "accept-dns");
    private static final String DNS_UPSTREAMS = "dnsUpstreams";
    private static final String ADVERTISE_ROUTES = "advertiseRoutes";
    private static final String ADVERTISE_ROUTES_FLAG = "--advertise-routes";
    /** The local proxy ports {@code up} may change, by their flag (without the dashes). */
    private static final Map<String, String> PORT_FLAG_OF_SETTING = Map.of("socks5Port", "socks5-port",
            "httpProxyPort", "http-proxy-port");

    @Override
    public String name() {
        return "up";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "connect to the tailnet, logging in if needed";
    }

    @Override
    public String details() {
        return """
                The flags change the daemon's saved settings; what is not given stays as it was.
                Without an auth key a node that is not logged in gets a login URL: up prints it
                and waits until someone logged in there or --timeout passed (the daemon keeps
                waiting after that; see `microlink status`). A key given with --auth-key KEY shows
                in the process list and the shell's history, and is forgotten once the node is
                logged in. Prefer --auth-key-file FILE (or --auth-key file:FILE, as tailscale
                writes it): the daemon reads the file at each login and keeps only its name, so the
                node can register again later (key expiry) without the key in settings.json. Both
                files must be owner-only (chmod 600): one its group or others may read or write
                is refused. The
                SOCKS5 and HTTP proxies on 127.0.0.1 lead any program into the tailnet; they are off
                until given a port (1055 and 1056 are tailscaled's). Anyone who can connect to
                127.0.0.1 can use them, unless they ask for a username and password:
                --proxy-username with --proxy-password-file (a file holding the password on one
                line, its surrounding whitespace ignored) sets them for both, --proxy-auth-off forgets them.
                --accept-routes uses the subnet routes peers offer and control approved;
                --exit-node NAME|IP sends the node's traffic for addresses outside the tailnet
                (its sockets and the proxies) through that peer, which must offer an approved exit
                route (--exit-node "" stops); --exit-node-allow-lan-access keeps this host's own
                networks off it. --advertise-routes 192.168.50.0/24,... offers subnets this host
                reaches to the tailnet ("" stops), --advertise-exit-node offers its internet
                access; once control approves them (headscale: nodes approve-routes), peers'
                connections, UDP and pings to them are carried on from this host's own sockets
                (in TUN mode the kernel forwards them: IP forwarding must be on, and
                --snat-subnet-routes=false lets the routed hosts see the peers' tailnet addresses
                instead of this host's). Changing them restarts the node. In TUN mode
                --accept-dns (the default) points /etc/resolv.conf at MagicDNS while the node runs
                and gives the host its own file back at stop; --accept-dns=false leaves it alone.""";
    }

    @Override
    public Options options() {
        return new Options()
                .value("login-server", null, "URL", "the control server (default: Tailscale's, or the one saved)")
                .value("auth-key", null, "KEY", "a pre-auth key, or file:FILE (a key on the command line shows in ps)")
                .value("auth-key-file", null, "FILE", "read the pre-auth key from FILE at each login (kept: the name only)")
                .value("hostname", null, "NAME", "the device name on the tailnet")
                .value("hostname-prefix", null, "PREFIX", "name the device PREFIX-xxxxxx, xxxxxx from this machine's ID")
                .value("socks5-port", null, "PORT", "the SOCKS5 proxy's port on 127.0.0.1, e.g. 1055; 0: off (the default)")
                .value("http-proxy-port", null, "PORT", "the HTTP proxy's port on 127.0.0.1, e.g. 1056; 0: off (the default)")
                .value("proxy-username", null, "USER", "the username the proxies ask for (with --proxy-password-file)")
                .value("proxy-password-file", null, "FILE", "read the proxies' password from this file")
                .flag("proxy-auth-off", null, "forget the proxies' username and password")
                .flag("accept-routes", null, "use the subnet routes peers offer (--accept-routes=false: don't)")
                .value("exit-node", null, "NAME|IP", "send traffic outside the tailnet through this peer; \"\": none")
                .flag("exit-node-allow-lan-access", null, "with an exit node, keep this host's networks off it")
                .value("advertise-routes", null, "PREFIX,...", "offer these subnets to the tailnet; \"\": none")
                .flag("advertise-exit-node", null, "offer this host's internet access to the tailnet (=false: stop)")
                .flag("snat-subnet-routes", null, "TUN mode: routed hosts see this host's address (the default; =false: the peer's)")
                .flag("accept-dns", null, "TUN mode: point the host's resolver at MagicDNS (the default; =false: leave it alone)")
                .value("dns-upstream", null, "IP[:PORT],...", "resolvers for names the tailnet's DNS config sends nowhere; \"\": none")
                .value("timeout", null, "DURATION", "how long to wait for the connection (default 2m)");
    }

    @Override
    public int run(Options.Parsed args, Context context)
            throws CliException, UsageException, InterruptedException {
        args.requirePositionals();
        ObjectNode request = ApiProtocol.object().put("method", method());
        putIfGiven(request, "controlUrl", args.value("login-server"));
        putIfGiven(request, "hostname", args.value("hostname"));
        putIfGiven(request, "hostnamePrefix", args.value("hostname-prefix"));
        putIfGiven(request, "authKey", authKey(args, context));
        putIfGiven(request, "exitNode", args.value("exit-node"));
        for (Map.Entry<String, String> e : SWITCH_FLAG_OF_SETTING.entrySet()) {
            if (args.value(e.getValue()) != null) {
                request.put(e.getKey(), args.flag(e.getValue()));
            }
        }
        proxyCredentials(args, request);
        if (args.value("dns-upstream") != null) {
            request.set(DNS_UPSTREAMS, DnsUpstreamFlag.setting(args.value("dns-upstream")));
        }
        if (args.value("advertise-routes") != null) {
            request.set(ADVERTISE_ROUTES, DnsUpstreamFlag.setting(args.value("advertise-routes")));
        }
        if (args.value("hostname") != null && args.value("hostname-prefix") != null) {
            throw new UsageException("give --hostname or --hostname-prefix, not both");
        }
        Duration timeout = args.duration("timeout", DEFAULT_TIMEOUT);
        checkLocally(request);
        // Ports are checked against the saved settings (one port each) by the daemon.
        for (Map.Entry<String, String> e : PORT_FLAG_OF_SETTING.entrySet()) {
            if (args.value(e.getValue()) != null) {
                request.put(e.getKey(), args.intValue(e.getValue(), 0, 0, 65535));
            }
        }
        context.api().call(request);
        awaitConnected(context, timeout);
        return 0;
    }

    /**
     * The auth key setting the flags ask for: the key itself, with a warning that it shows in
     * the process list, or {@code file:} and the key file's absolute path, checked here (one
     * line, owner-only) so a mistake is reported at once. The file's content never leaves this
     * process: the daemon reads the file itself when it logs in.
     */
    private static String authKey(Options.Parsed args, Context context) throws UsageException, CliException {
        String inline = args.value("auth-key");
        String file = args.value("auth-key-file");
        if (inline != null && file != null) {
            throw new UsageException("give --auth-key or --auth-key-file, not both");
        }
        if (inline != null && inline.startsWith(NodeSettings.AUTH_KEY_FILE_PREFIX)) {
            file = inline.substring(NodeSettings.AUTH_KEY_FILE_PREFIX.length());
        } else if (inline != null) {
            context.io().err().println("microlink up: warning: an auth key on the command line is visible to every"
                    + " user of this machine (ps) and stays in your shell's history; use --auth-key-file FILE");
            return inline;
        }
        if (file == null) {
            return null;
        }
        Path path = Path.of(file).toAbsolutePath().normalize();
        OwnerOnlyFile.readLine(path, "auth key file"); // the daemon reads it again at each login, and checks it again
        return NodeSettings.AUTH_KEY_FILE_PREFIX + path;
    }

    /** The proxies' username and password (both, from a file for the password), or an order to forget them. */
    private static void proxyCredentials(Options.Parsed args, ObjectNode request) throws UsageException, CliException {
        String username = args.value("proxy-username");
        String file = args.value("proxy-password-file");
        if (args.flag("proxy-auth-off")) {
            if (username != null || file != null) {
                throw new UsageException("give --proxy-auth-off or --proxy-username with --proxy-password-file, not both");
            }
            request.put("proxyAuthOff", true);
            return;
        }
        if ((username == null) != (file == null)) {
            throw new UsageException("give --proxy-username and --proxy-password-file together");
        }
        if (username != null) {
            request.put("proxyUsername", username).put("proxyPassword", OwnerOnlyFile.readLine(
                    Path.of(file).toAbsolutePath(), "proxy password file"));
        }
    }

    private static String flagOf(String setting) {
        if (DNS_UPSTREAMS.equals(setting)) {
            return DnsUpstreamFlag.FLAG;
        }
        if (ADVERTISE_ROUTES.equals(setting)) {
            return ADVERTISE_ROUTES_FLAG;
        }
        if (SWITCH_FLAG_OF_SETTING.containsKey(setting)) {
            return "--" + SWITCH_FLAG_OF_SETTING.get(setting);
        }
        return FLAG_OF_SETTING.getOrDefault(setting, setting);
    }

    /** The same checks the daemon makes, but reported by flag name, as a usage error. */
    private static void checkLocally(ObjectNode request) throws UsageException {
        ObjectNode patch = request.deepCopy();
        patch.remove("method");
        patch.remove("proxyAuthOff");
        try {
            NodeSettings.defaults().withChanges(patch);
        } catch (InvalidSettingsException e) {
            throw new UsageException(e.problems().stream()
                    .map(p -> flagOf(p.setting()) + ": " + p.message())
                    .collect(Collectors.joining("; ")));
        }
    }

    /**
     * Refuses, before anything is saved, an exit node the connected node's netmap shows is no
     * exit node; while not connected the node itself says so once it has a netmap (status).
     */
    private static void checkExitNode(String exitNode, Daemon daemon) throws ApiException {
        if (exitNode == null) {
            return;
        }
        TailnetMap map = daemon.node().filter(n -> n.state() == NodeState.CONNECTED).map(TailnetNode::tailnet)
                .orElse(null);
        if (map == null) {
            return;
        }
        Optional<Peer> peer = map.find(exitNode);
        if (peer.isEmpty()) {
            throw new ApiException(ApiException.BAD_REQUEST, "--exit-node: no peer named " + exitNode
                    + " in the tailnet");
        }
        if (!peer.get().exitNode()) {
            throw new ApiException(ApiException.BAD_REQUEST, "--exit-node: " + exitNode + " is not an exit node"
                    + " (it offers no approved 0.0.0.0/0 and ::/0 routes)");
        }
    }

    private static void putIfGiven(ObjectNode request, String setting, String value) {
        if (value != null) {
            request.put(setting, value);
        }
    }

    private static void awaitConnected(Context context, Duration timeout) throws CliException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String shownUrl = null;
        while (true) {
            JsonNode s = context.api().call(ApiProtocol.object().put("method", "status"));
            String state = s.path("state").asText();
            String detail = s.path("detail").asText();
            switch (state) {
                case "CONNECTED" -> {
                    if (s.hasNonNull("exitNodeProblem")) {
                        throw new CliException("connected, but " + s.path("exitNodeProblem").asText());
                    }
                    context.io().out().println("connected as " + s.path("self").path("name").asText() + " "
                            + s.path("self").path("addresses"));
                    return;
                }
                case "NEEDS_LOGIN" -> {
                    String url = s.path("loginUrl").asText("");
                    if (url.isEmpty()) {
                        throw new CliException("login failed: " + detail);
                    }
                    if (!url.equals(shownUrl)) {
                        context.io().out().println("\nTo log in, visit:\n\n\t" + url + "\n");
                        context.io().out().flush();
                        shownUrl = url;
                    }
                }
                case "STOPPED" -> throw new CliException("the node stopped: " + detail);
                default -> {
                    // CONNECTING, REGISTERING, EXPIRED: still on its way.
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new CliException("not connected within " + Durations.human(timeout) + " (" + state
                        + (detail.isEmpty() ? "" : ": " + detail) + "); the daemon keeps trying, see `microlink status`");
            }
            Thread.sleep(POLL);
        }
    }

    @Override
    public String method() {
        return "up";
    }

    @Override
    public Reply handle(ApiRequest request, Daemon daemon) throws ApiException {
        ObjectNode patch = settingsPatch(request);
        NodeSettings next;
        try {
            next = daemon.settings().withChanges(patch);
        } catch (InvalidSettingsException e) {
            throw new ApiException(ApiException.BAD_REQUEST, e.getMessage());
        }
        checkExitNode(next.exitNode(), daemon);
        daemon.update(next);
        return Reply.of(ApiProtocol.object().put("state", daemon.stateName()).put("deviceName", daemon.deviceName()));
    }

    /** The settings an {@code up} request changes, with {@code wantRunning}. */
    static ObjectNode settingsPatch(ApiRequest request) throws ApiException {
        ObjectNode patch = ApiProtocol.object().put("wantRunning", true);
        for (String setting : FLAG_OF_SETTING.keySet()) {
            String v = request.optionalText(setting);
            if (v != null) {
                patch.put(setting, v);
            } else if (setting.equals("exitNode") && request.params().has(setting)) {
                patch.putNull(setting); // --exit-node "": stop using one
            }
        }
        for (String setting : PORT_FLAG_OF_SETTING.keySet()) {
            int port = request.integer(setting, -1, 0, 65535);
            if (port >= 0) {
                patch.put(setting, port);
            }
        }
        for (String setting : SWITCH_FLAG_OF_SETTING.keySet()) {
            if (request.params().path(setting).isBoolean()) {
                patch.put(setting, request.bool(setting));
            }
        }
        for (String list : List.of(DNS_UPSTREAMS, ADVERTISE_ROUTES)) {
            if (request.params().has(list)) {
                patch.set(list, request.params().get(list));
            }
        }
        if (request.bool("proxyAuthOff")) {
            patch.putNull("proxyUsername").putNull("proxyPassword");
        }
        return patch;
    }
}
