package io.microlink.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * {@code microlink daemon} as a child process on one state directory (in the test's
 * loopback-only namespace), and the {@code microlink} CLI run against it, both from the test
 * classpath, as a user would run the jar.
 */
public final class MicrolinkProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(90);
    private static final Map<String, String> ENV = Map.of("MICROLINK_DEBUG_USE_DERP_HTTP", "1");

    private final Path stateDir;
    private final Path log;
    private final String namespace;
    private Map<String, String> env = ENV;
    private UnaryOperator<List<String>> launcher = UnaryOperator.identity();
    private List<String> jvmOptions = List.of();
    private ManagedProcess daemon;

    public MicrolinkProcess(Path stateDir) {
        this(stateDir, null);
    }

    /**
     * A daemon that runs inside network namespace {@code namespace} (null: the JVM's own), e.g.
     * a {@link NatTopology.Host}'s; the CLI reaches it through its Unix socket from anywhere.
     */
    public MicrolinkProcess(Path stateDir, String namespace) {
        this.stateDir = stateDir;
        this.log = stateDir.resolveSibling(stateDir.getFileName() + "-daemon.log");
        this.namespace = namespace;
    }

    /**
     * Runs the daemon's command through {@code launcher} (e.g. a shell that enters a cgroup
     * first), with {@code jvmOptions} after the harness's own, so they win.
     */
    public MicrolinkProcess launchedBy(UnaryOperator<List<String>> launcher, List<String> jvmOptions) {
        this.launcher = launcher;
        this.jvmOptions = List.copyOf(jvmOptions);
        return this;
    }

    private static List<String> java(String... args) {
        return java(List.of(), args);
    }

    private static List<String> java(List<String> jvmOptions, String... args) {
        String javaBin = Optional.ofNullable(System.getenv("MICROLINK_JAVA"))
                .orElseGet(() -> ProcessHandle.current().info().command().orElseThrow());
        List<String> command = new ArrayList<>(List.of(javaBin, "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.microlink.daemon.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /** Adds {@code variables} (e.g. {@code HTTP_PROXY}) to the daemon's environment; before {@link #start}. */
    public MicrolinkProcess withEnv(Map<String, String> variables) {
        Map<String, String> all = new java.util.HashMap<>(ENV);
        all.putAll(variables);
        env = Map.copyOf(all);
        return this;
    }

    /** Starts the daemon, with {@code daemonFlags} such as {@code --tun NAME}, and waits until its API answers. */
    public MicrolinkProcess start(String... daemonFlags) {
        List<String> args = new ArrayList<>(List.of("daemon", "--state-dir", stateDir.toString()));
        args.addAll(List.of(daemonFlags));
        List<String> command = launcher.apply(java(jvmOptions, args.toArray(String[]::new)));
        daemon = ManagedProcess.start("microlink-daemon", namespace == null ? command
                : NetworkNamespaces.inside(namespace, command.toArray(String[]::new)), env, log);
        Await.until(Duration.ofSeconds(60), "the daemon's API to answer", () -> {
            daemon.requireAlive();
            return Files.exists(stateDir.resolve("microlink.sock")) && cli("status").succeeded();
        });
        return this;
    }

    /** Runs a daemon that is expected to refuse to start: its exit code and output, or a failure if it keeps running. */
    public Exec.Result runExpectingExit(Duration within) {
        return Exec.run(within, java("daemon", "--state-dir", stateDir.toString()), ENV, null);
    }

    /** {@code microlink ARGS --state-dir DIR}, to completion. */
    public Exec.Result cli(String... args) {
        return cliWithInput(null, args);
    }

    /** {@code microlink status --json}, parsed; the command must succeed. */
    public JsonNode statusJson() {
        try {
            return JSON.readTree(cli("status", "--json").requireSuccess().stdout());
        } catch (IOException e) {
            throw new UncheckedIOException("status --json did not print JSON", e);
        }
    }

    public Exec.Result cliWithInput(byte[] stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state-dir", stateDir.toString()));
        return Exec.run(CLI_TIMEOUT, java(all.toArray(String[]::new)), Map.of(), stdin);
    }

    /**
     * Starts {@code microlink ARGS --state-dir DIR} with its standard streams piped to the caller,
     * for a command that runs as long as the caller talks to it (e.g. {@code nc}); the caller
     * ends it ({@link Process#destroyForcibly}).
     */
    public Process startCli(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state-dir", stateDir.toString()));
        return new ProcessBuilder(java(all.toArray(String[]::new))).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. */
    public void kill9() throws InterruptedException {
        ProcessHandle h = ProcessHandle.of(daemon.pid()).orElseThrow();
        h.destroyForcibly();
        h.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    }

    public long pid() {
        return daemon.pid();
    }

    public String log() {
        return daemon == null ? "" : daemon.logTail(200);
    }

    public Path stateDir() {
        return stateDir;
    }

    @Override
    public void close() {
        if (daemon != null) {
            daemon.stop();
        }
    }
}
