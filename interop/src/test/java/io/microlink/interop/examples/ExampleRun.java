package io.microlink.interop.examples;

import io.microlink.examples.ExampleIo;
import io.microlink.interop.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An example program running on its own thread in the test JVM through its {@code run(args, io)}
 * entry point, with what it printed; interrupting the thread is its Ctrl-C.
 *
 * <pre>{@code
 * try (ExampleRun echo = ExampleRun.start("udp-echo", UdpEcho::run, env, args)) {
 *     echo.awaitOutput("echoing UDP", Duration.ofSeconds(60));
 *     ...
 *     assertThat(echo.stop(Duration.ofSeconds(30))).isZero();
 * }
 * }</pre>
 */
final class ExampleRun implements AutoCloseable {
    /** An example's entry point, e.g. {@code SensorNode::run}. */
    @FunctionalInterface
    interface Entry {
        int run(List<String> args, ExampleIo io);
    }

    private final String name;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final Thread thread;

    private ExampleRun(String name, Entry entry, Map<String, String> env, List<String> args) {
        this.name = name;
        ExampleIo io = new ExampleIo(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        thread = Thread.ofPlatform().name("example-" + name).start(() -> {
            try {
                exit.complete(entry.run(args, io));
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
        });
    }

    static ExampleRun start(String name, Entry entry, Map<String, String> env, List<String> args) {
        return new ExampleRun(name, entry, env, args);
    }

    /** Runs an example to its end and returns its exit code; fails if it takes longer than {@code timeout}. */
    static ExampleRun runToEnd(String name, Entry entry, Map<String, String> env, List<String> args,
                               Duration timeout) {
        ExampleRun run = new ExampleRun(name, entry, env, args);
        run.awaitExit(timeout);
        return run;
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the example printed {@code text} on its standard output; fails at once if it ended instead. */
    void awaitOutput(String text, Duration timeout) {
        Await.until(timeout, () -> name + " to print '" + text + "'; it printed:\n" + out() + err(),
                () -> exit.isDone() || out().contains(text));
        if (!out().contains(text)) {
            throw new AssertionError(name + " ended (" + exit.join() + ") before printing '" + text + "':\n" + out()
                    + err());
        }
    }

    /** The exit code, once the example ends within {@code timeout}. */
    int awaitExit(Duration timeout) {
        try {
            return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + " did not end within " + timeout + "; it printed:\n" + out() + err());
        } catch (ExecutionException e) {
            throw new AssertionError(name + " threw", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name);
        }
    }

    /** Interrupts the example, as Ctrl-C does, and returns its exit code. */
    int stop(Duration timeout) {
        thread.interrupt();
        return awaitExit(timeout);
    }

    @Override
    public void close() {
        if (!exit.isDone()) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
