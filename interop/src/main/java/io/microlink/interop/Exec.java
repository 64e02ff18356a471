package io.microlink.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived command to completion with a hard time limit, capturing its output.
 *
 * <pre>{@code
 * Exec.Result r = Exec.run(Duration.ofSeconds(10), List.of("ip", "netns", "list"));
 * String names = r.requireSuccess().stdout();
 * }</pre>
 */
public final class Exec {
    private Exec() {}

    /** What a finished command left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        /** Returns this result, or throws with the command, exit code and both outputs. */
        public Result requireSuccess() {
            if (!succeeded()) {
                throw new CommandFailedException(describe());
            }
            return this;
        }

        String describe() {
            return "command " + command + " exited " + exitCode
                    + (stdout.isBlank() ? "" : "\n  stdout: " + stdout.strip())
                    + (stderr.isBlank() ? "" : "\n  stderr: " + stderr.strip());
        }
    }

    /** A command that failed or overran its time limit. */
    public static final class CommandFailedException extends RuntimeException {
        public CommandFailedException(String message) {
            super(message);
        }
    }

    public static Result run(Duration timeout, List<String> command) {
        return run(timeout, command, Map.of(), null);
    }

    /**
     * Runs {@code command} with extra environment variables and optional standard input.
     * The process tree is killed if it overruns {@code timeout}.
     */
    public static Result run(Duration timeout, List<String> command, Map<String, String> env, byte[] stdin) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new CommandFailedException("cannot start " + command + ": " + e.getMessage());
        }
        CompletableFuture<String> out = readAsync(p.getInputStream());
        CompletableFuture<String> err = readAsync(p.getErrorStream());
        try {
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ignored) {
                // The command may exit without reading its input; its exit code tells the story.
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ManagedProcess.killTree(p.toHandle());
                throw new CommandFailedException("command " + command + " did not finish within " + timeout
                        + "; output so far: " + out.getNow("") + err.getNow(""));
            }
            return new Result(List.copyOf(command), p.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            ManagedProcess.killTree(p.toHandle());
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted while running " + command);
        } catch (ExecutionException e) {
            throw new CommandFailedException("reading output of " + command + ": " + e.getCause());
        }
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
    }
}
