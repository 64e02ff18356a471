package io.microlink.examples;

import io.microlink.AddressText;
import io.microlink.NodeListener;
import io.microlink.NodeState;
import io.microlink.Peer;
import io.microlink.StateException;
import io.microlink.TailnetNode;
import io.microlink.host.secrets.OwnerOnlyFile;
import io.microlink.host.settings.DeviceName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The tailnet node of every example, set up from the same flags and environment variables,
 * and joining: build, start, and wait (bounded) until it is connected. This is all an
 * application needs to join a tailnet:
 *
 * <pre>{@code
 * TailnetNode node = TailnetNode.builder()
 *         .controlUrl("https://headscale.example.com")
 *         .authKey(System.getenv("TS_AUTHKEY"))
 *         .hostname("sensor-1")
 *         .stateDirectory(Path.of("/var/lib/sensor/microlink"))
 *         .build();
 * node.start();   // then wait for node.state() == NodeState.CONNECTED
 * }</pre>
 */
final class ExampleNode {
    /** The flags every example takes for its node. */
    static final Set<String> FLAGS = Set.of("login-server", "auth-key-file", "state-dir", "hostname",
            "connect-timeout");
    static final String DEFAULT_LOGIN_SERVER = "https://controlplane.tailscale.com";
    /** The daemon's convention, after tailscaled's TS_DEBUG_USE_DERP_HTTP: relays over plain HTTP. */
    static final String PLAIN_HTTP_DERP_ENV = "MICROLINK_DEBUG_USE_DERP_HTTP";
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(100);

    private ExampleNode() {}

    /** {@link #FLAGS} and an example's own flags that take a value (from one list or several). */
    @SafeVarargs
    static Set<String> flagsWith(List<String>... more) {
        Set<String> all = new HashSet<>(FLAGS);
        for (List<String> flags : more) {
            all.addAll(flags);
        }
        return all;
    }

    /** A node's tailnet addresses as {@code tailscale ip} prints them, e.g. {@code 100.64.0.1 fd7a:115c:a1e0::1}. */
    static String addresses(Peer p) {
        return p.addresses().isEmpty() ? "-" : p.addresses().stream().map(AddressText::of)
                .collect(Collectors.joining(" "));
    }

    /** This node's tailnet addresses, as {@link #addresses(Peer)}. */
    static String addresses(TailnetNode node) {
        return node.tailnet().self().map(ExampleNode::addresses).orElse("-");
    }

    /** The help lines of {@link #FLAGS}, for a node named {@code PREFIX-xxxxxx} by default. */
    static String help(String hostnamePrefix) {
        return """
                tailnet flags (every example):
                  --login-server URL     the control server: headscale's URL, or (default) $MICROLINK_LOGIN_SERVER,
                                         else Tailscale's %s
                  --auth-key-file FILE   read a pre-auth key from FILE; default: $TS_AUTHKEY; with neither, the
                                         example prints a login URL (a node that joined before needs no key)
                  --hostname NAME        the device name (default: %s-xxxxxx, xxxxxx from this machine's ID)
                  --state-dir DIR        where the node keeps its keys (default:
                                         ~/.local/state/microlink-examples/HOSTNAME, or under $XDG_STATE_HOME)
                  --connect-timeout D    how long to wait to join, e.g. 30s or 2m (default 2m)
                environment:
                  %s=1   reach DERP relays over plain HTTP (test tailnets on loopback only)
                exit codes: 0 done, 1 failed (one line on stderr says why), 2 bad command line
                """.formatted(DEFAULT_LOGIN_SERVER, hostnamePrefix, PLAIN_HTTP_DERP_ENV);
    }

    /** Builds and starts the node the flags describe and returns it once connected; the caller closes it. */
    static TailnetNode join(ExampleArgs args, ExampleIo io, String hostnamePrefix)
            throws UsageException, ExampleFailure, InterruptedException {
        Map<String, String> env = io.env();
        String hostname = args.value("hostname", hostnamePrefix + "-" + DeviceName.machineSuffix());
        String authKey = authKey(args.value("auth-key-file", null), env);
        Duration timeout = args.duration("connect-timeout", DEFAULT_CONNECT_TIMEOUT);
        TailnetNode.Builder builder;
        try {
            builder = TailnetNode.builder()
                    .controlUrl(args.value("login-server", env.getOrDefault("MICROLINK_LOGIN_SERVER",
                            DEFAULT_LOGIN_SERVER)))
                    .hostname(hostname)
                    .stateDirectory(stateDirectory(args.value("state-dir", null), env, hostname))
                    .authKey(authKey);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if ("1".equals(env.get(PLAIN_HTTP_DERP_ENV))) {
            io.err().println(PLAIN_HTTP_DERP_ENV + "=1: DERP relays are reached over plain HTTP (test tailnets only)");
            builder.plainHttpDerpForTesting();
        }
        TailnetNode node = builder.build();
        boolean connected = false;
        try {
            node.addListener(new NodeListener() {
                @Override
                public void loginUrl(String url) {
                    io.out().println("To log in, visit: " + url);
                }
            });
            node.start();
            awaitConnected(node, authKey != null, timeout);
            connected = true;
            return node;
        } finally {
            if (!connected) {
                node.close();
            }
        }
    }

    /**
     * The key in {@code file}, else {@code $TS_AUTHKEY}, else null (a login URL, or a node that
     * joined before). The file is checked as the daemon checks its key files: owner-only, owned
     * by us, one line.
     */
    private static String authKey(String file, Map<String, String> env) throws ExampleFailure {
        if (file == null) {
            return env.get("TS_AUTHKEY");
        }
        try {
            return OwnerOnlyFile.readLine(Path.of(file).toAbsolutePath(), "auth key file");
        } catch (StateException e) {
            throw new ExampleFailure(e.getMessage());
        }
    }

    /** One directory per device name, so two examples on one machine never share (and lock) one. */
    private static Path stateDirectory(String flag, Map<String, String> env, String hostname) {
        if (flag != null) {
            return Path.of(flag).toAbsolutePath();
        }
        String xdg = env.get("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local",
                "state");
        return base.resolve("microlink-examples").resolve(hostname).toAbsolutePath();
    }

    /**
     * Waits for {@link NodeState#CONNECTED}. With an auth key, a node asking for a login means
     * control refused the key; without one it is waiting for someone to use the login URL.
     */
    private static void awaitConnected(TailnetNode node, boolean hasAuthKey, Duration timeout)
            throws ExampleFailure, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (node.state() != NodeState.CONNECTED) {
            NodeState state = node.state();
            if (state == NodeState.STOPPED) {
                throw new ExampleFailure("the node stopped: " + node.stateDetail());
            }
            if (state == NodeState.NEEDS_LOGIN && hasAuthKey) {
                throw new ExampleFailure("login failed: " + node.stateDetail());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ExampleFailure("not connected within " + timeout.toSeconds() + " s (" + state
                        + (node.stateDetail() == null ? "" : ": " + node.stateDetail()) + ")");
            }
            Thread.sleep(POLL);
        }
    }
}
