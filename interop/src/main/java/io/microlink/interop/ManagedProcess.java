package io.microlink.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A long-running child process (headscale, tailscaled, wireguard-go) whose output goes to a
 * log file. It is registered with the {@link Reaper}, so it dies with the JVM even when a
 * test is interrupted.
 *
 * <pre>{@code
 * ManagedProcess p = ManagedProcess.start("headscale", List.of(bin, "serve"), Map.of(), dir.resolve("headscale.log"));
 * ...
 * p.stop();
 * }</pre>
 */
public final class ManagedProcess implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command}, appending stdout and stderr to {@code log}. */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path log) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().putAll(env);
        try {
            Files.writeString(log, "### " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ManagedProcess p = new ManagedProcess(name, pb.start(), log);
            Reaper.register(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + command.getFirst() + ")", e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return log;
    }

    /** Throws with the log's tail if the process has exited: use inside waits for readiness. */
    public void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue()
                    + "; last log lines:\n" + logTail(30));
        }
    }

    /** The last {@code lines} lines of the log, for failure reports. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Waits until something accepts TCP connections on {@code address:port} inside
     * {@code namespace}, failing at once if the process dies meanwhile: how a proxy here shows
     * it has started. A process that never listens is stopped before the failure is thrown.
     */
    public void awaitListening(String namespace, String address, int port, Duration timeout) {
        try {
            Await.until(timeout, name + " to listen on " + address + ":" + port, () -> {
                requireAlive();
                return Exec.run(Duration.ofSeconds(5), NetworkNamespaces.inside(namespace, "bash", "-c",
                        "exec 3<>/dev/tcp/" + address + "/" + port), Map.of(), null).succeeded();
            });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Waits until {@code url} answers 200 through {@code http} and {@code alsoReady} holds,
     * failing at once if the process dies meanwhile: how a server here shows it has started.
     */
    public void awaitHttpOk(HttpClient http, URI url, Duration timeout, BooleanSupplier alsoReady) {
        HttpRequest probe = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build();
        Await.until(timeout, name + " to answer " + url, () -> {
            requireAlive();
            try {
                return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200
                        && alsoReady.getAsBoolean();
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** SIGTERM to the whole tree, then SIGKILL after a grace period. Idempotent. */
    public void stop() {
        killTree(process.toHandle());
        Reaper.unregister(this);
    }

    @Override
    public void close() {
        stop();
    }

    /** Terminates a process and its descendants, politely first. */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + (process.isAlive() ? "" : ", exited") + ")";
    }
}
