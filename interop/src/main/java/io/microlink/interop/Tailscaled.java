package io.microlink.interop;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code tailscaled} in userspace-networking mode on loopback, and the
 * {@code tailscale} CLI bound to its socket.
 *
 * <pre>{@code
 * Tailscaled ts1 = Tailscaled.start("ts1", dir, Tailscaled.Options.DEFAULT);
 * ts1.up(headscale.url(), authKey);
 * List<PingReply> replies = ts1.ping("ts2", "-c", "1");
 * }</pre>
 */
public final class Tailscaled implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration UP_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * How to run the daemon.
     *
     * @param derpOnly   no UDP at all ({@code TS_DEBUG_ALWAYS_USE_DERP}), so every path is relayed
     * @param portMapper asks the gateway for a port mapping (UPnP, NAT-PMP, PCP), as tailscaled
     *                   does by default; off unless a test offers one (e.g. {@link Miniupnpd})
     * @param resolvConf  null, or a file the daemon sees as its /etc/resolv.conf (bind-mounted in a
     *                    mount namespace of its own, as {@code ip netns exec} does): the resolvers
     *                    its exit node DNS answers from
     */
    public record Options(boolean derpOnly, boolean portMapper, Path resolvConf) {
        public static final Options DEFAULT = new Options(false, false);
        public static final Options DERP_ONLY = new Options(true, false);
        public static final Options PORT_MAPPER = new Options(false, true);

        /** With the host's own /etc/resolv.conf. */
        public Options(boolean derpOnly, boolean portMapper) {
            this(derpOnly, portMapper, null);
        }

        /** These options with {@code file} as the daemon's /etc/resolv.conf. */
        public Options withResolvConf(Path file) {
            return new Options(derpOnly, portMapper, file);
        }
    }

    private final String hostname;
    private final Path dir;
    private final int port;
    private final int socks5Port;
    private final ManagedProcess process;

    private Tailscaled(String hostname, Path dir, int port, int socks5Port, ManagedProcess process) {
        this.hostname = hostname;
        this.dir = dir;
        this.port = port;
        this.socks5Port = socks5Port;
        this.process = process;
    }

    /** Starts the daemon in {@code dir} and waits until its local API answers. */
    public static Tailscaled start(String hostname, Path dir, Options options) {
        return start(hostname, dir, options, null);
    }

    /**
     * Starts the daemon inside network namespace {@code namespace} (null: the JVM's own), e.g. a
     * {@link NatTopology.Host}'s, where it has a real default route; the CLI reaches it through
     * its Unix socket from anywhere.
     */
    public static Tailscaled start(String hostname, Path dir, Options options, String namespace) {
        try {
            Files.createDirectories(dir.resolve("state"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        int port = FreePorts.udp();
        int socks5 = FreePorts.tcp();
        Map<String, String> env = new HashMap<>(Map.of(
                // Embedded DERP speaks plain HTTP in the test tailnet; tailscaled would insist on TLS.
                "TS_DEBUG_USE_DERP_HTTP", "1",
                "TS_NO_LOGS_NO_SUPPORT", "true"));
        if (!options.portMapper()) {
            // No UPnP/NAT-PMP/PCP probing of a gateway, even if one were reachable.
            env.put("TS_DISABLE_PORTMAPPER", "1");
        }
        if (namespace == null) {
            // Loopback alone counts as "no network" and would pause the node; a namespace with a
            // default route through a router is a network, and needs no such help.
            env.put("TS_ASSUME_NETWORK_UP_FOR_TEST", "1");
        }
        if (options.derpOnly()) {
            env.put("TS_DEBUG_ALWAYS_USE_DERP", "1");
        }
        List<String> command = new ArrayList<>();
        if (options.resolvConf() != null) {
            // unshare and sh exec into tailscaled: the managed process stays the daemon itself.
            command.addAll(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", options.resolvConf().toString()));
        }
        command.addAll(List.of(
                ReferencePrograms.tailscaled().toString(),
                "--tun=userspace-networking",
                "--statedir=" + dir.resolve("state"),
                "--socket=" + dir.resolve("tailscaled.sock"),
                "--port=" + port,
                "--socks5-server=127.0.0.1:" + socks5,
                "--no-logs-no-support",
                "--verbose=1"));
        ManagedProcess p = ManagedProcess.start("tailscaled-" + hostname, namespace == null ? command
                : NetworkNamespaces.inside(namespace, command.toArray(String[]::new)), env, dir.resolve("tailscaled.log"));
        Tailscaled ts = new Tailscaled(hostname, dir, port, socks5, p);
        Await.until(START_TIMEOUT, "tailscaled " + hostname + " local API", () -> {
            p.requireAlive();
            return ts.cli(Duration.ofSeconds(5), "status", "--json").stdout().contains("BackendState");
        });
        return ts;
    }

    /**
     * {@code tailscale up} against {@code loginServer}. The auth key goes through an
     * owner-only file, so it never shows in a process list or an error message.
     */
    public void up(String loginServer, Headscale.AuthKey key) {
        Path keyFile = dir.resolve("authkey");
        try {
            Files.deleteIfExists(keyFile);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, key.key());
            Exec.Result r = cli(UP_TIMEOUT, "up", "--login-server=" + loginServer, "--auth-key=file:" + keyFile,
                    "--hostname=" + hostname, "--accept-dns=false", "--timeout=" + (UP_TIMEOUT.toSeconds() - 10) + "s");
            if (r.exitCode() != 0) {
                awaitRunningAfterSlowUp(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write auth key file for " + hostname, e);
        } finally {
            try {
                Files.deleteIfExists(keyFile);
            } catch (IOException ignored) {
                // Directory is deleted with the tailnet anyway.
            }
        }
    }

    /**
     * tailscaled leaves Starting only with a live DERP connection or peer; once in CI (two
     * cores under load) a reference node still had neither when {@code up} gave up. A node
     * that is logged in and Starting gets one more minute, its state printed, before the test
     * fails; any other state fails at once.
     */
    private void awaitRunningAfterSlowUp(Exec.Result up) {
        String why = whyNotRunning();
        if (!currentState().equals("Starting")) {
            throw new Exec.CommandFailedException(up.describe() + "\n" + why);
        }
        System.err.println("tailscaled " + hostname + " still Starting after `up`; one more minute. " + why);
        try {
            Await.until(Duration.ofSeconds(60), "tailscaled " + hostname + " Running",
                    () -> currentState().equals("Running"));
        } catch (RuntimeException e) {
            throw new Exec.CommandFailedException(up.describe() + "\n" + whyNotRunning());
        }
    }

    private String currentState() {
        try {
            return String.valueOf(status().backendState());
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * What a reference node stuck short of Running says about itself: its state, its health
     * warnings and its log's last lines about DERP and netcheck (it runs once it has a live
     * DERP connection or peer), so a CI failure shows the cause and not only the timeout.
     */
    private String whyNotRunning() {
        String state;
        try {
            TailscaleStatus s = status();
            state = "state " + s.backendState() + ", health " + s.health();
        } catch (RuntimeException e) {
            state = "no status: " + e.getMessage();
        }
        List<String> derp = process.logTail(2000).lines()
                .filter(l -> l.contains("derp") || l.contains("netcheck") || l.contains("magicsock")).toList();
        return "tailscaled " + hostname + ": " + state + "; its last DERP/netcheck log lines:\n"
                + String.join("\n", derp.subList(Math.max(0, derp.size() - 25), derp.size()));
    }

    public TailscaleStatus status() {
        String out = cli(CLI_TIMEOUT, "status", "--json").requireSuccess().stdout();
        try {
            return JSON.readValue(out, TailscaleStatus.class);
        } catch (IOException e) {
            throw new Exec.CommandFailedException("tailscale status --json of " + hostname + " is not parseable: "
                    + e.getMessage());
        }
    }

    /**
     * {@code tailscale ping TARGET FLAGS…}; returns the pongs, or throws with the output when
     * there were none. A non-zero exit with pongs (e.g. "direct connection not established")
     * still returns them, so callers decide what the path must be.
     */
    public List<PingReply> ping(String target, String... flags) {
        List<String> args = new ArrayList<>(List.of("ping"));
        args.addAll(List.of(flags));
        args.add(target);
        Exec.Result r = cli(Duration.ofSeconds(60), args.toArray(String[]::new));
        List<PingReply> replies = PingReply.parseAll(r.stdout());
        if (replies.isEmpty()) {
            throw new Exec.CommandFailedException("no pong from " + target + ": " + r.describe());
        }
        return replies;
    }

    /** {@code tailscale ip ARGS…}: this node's addresses, or a peer's with a peer name. */
    public List<String> ip(String... args) {
        List<String> all = new ArrayList<>(List.of("ip"));
        all.addAll(List.of(args));
        return cli(CLI_TIMEOUT, all.toArray(String[]::new)).requireSuccess().stdout().lines().map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    /**
     * {@code tailscale nc HOST PORT}: sends {@code input} and returns the first
     * {@code expectBytes} bytes that come back. tailscale nc exits as soon as its stdin
     * closes, so stdin stays open until the reply is complete.
     */
    public byte[] nc(String host, int port, byte[] input, int expectBytes, Duration timeout) {
        List<String> command = command("nc", host, Integer.toString(port));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start tailscale nc", e);
        }
        CompletableFuture<byte[]> reply = CompletableFuture.supplyAsync(
                () -> readUpTo(p.getInputStream(), expectBytes), Thread::startVirtualThread);
        try {
            p.getOutputStream().write(input);
            p.getOutputStream().flush();
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            ManagedProcess.killTree(p.toHandle()); // before reading stderr, which ends only at exit
            String err = new String(readUpTo(p.getErrorStream(), 4096));
            throw new Exec.CommandFailedException("tailscale nc " + host + " " + port + " from " + hostname
                    + " failed: " + e + (err.isBlank() ? "" : "; stderr: " + err.strip()));
        } finally {
            ManagedProcess.killTree(p.toHandle());
        }
    }

    private static byte[] readUpTo(InputStream in, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            while (out.size() < n) {
                int r = in.read(buf, 0, Math.min(buf.length, n - out.size()));
                if (r < 0) {
                    break;
                }
                out.write(buf, 0, r);
            }
        } catch (IOException e) {
            // Return what arrived; the caller compares it with what it expected.
        }
        return out.toByteArray();
    }

    /** Runs the tailscale CLI against this daemon. */
    public Exec.Result cli(Duration timeout, String... args) {
        return Exec.run(timeout, command(args));
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(ReferencePrograms.tailscale().toString(),
                "--socket=" + dir.resolve("tailscaled.sock")));
        command.addAll(List.of(args));
        return command;
    }

    public String hostname() {
        return hostname;
    }

    /** The SOCKS5 proxy tailscaled serves on 127.0.0.1 into the tailnet (userspace networking's way in). */
    public int socks5Port() {
        return socks5Port;
    }

    /** The UDP port tailscaled's magicsock listens on. */
    public int port() {
        return port;
    }

    public ManagedProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.stop();
    }

    @Override
    public String toString() {
        return "tailscaled " + hostname + " (" + process + ")";
    }
}
