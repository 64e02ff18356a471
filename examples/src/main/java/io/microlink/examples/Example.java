package io.microlink.examples;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * What every example shares: {@code --help}, turning failures into one line on stderr and an
 * exit code (0 done, 1 failed, 2 bad command line), and stopping cleanly on Ctrl-C.
 */
final class Example {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    /** How long Ctrl-C waits for the example to close its node (which says goodbye to its relay). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(15);
    /** The JDK's two-line log records, as one line each: time, level, logger, message. */
    private static final String LOG_FORMAT = "%1$tT %4$s %3$s: %5$s%6$s%n";

    private Example() {}

    /** An example's work on its command line (without {@code --help}, which is answered before). */
    @FunctionalInterface
    interface Body {
        int run(List<String> args, ExampleIo io)
                throws UsageException, ExampleFailure, IOException, InterruptedException;
    }

    /** An example's entry point: its {@code run(args, io)}. */
    @FunctionalInterface
    interface Entry {
        int run(List<String> args, ExampleIo io);
    }

    /** Runs {@code body}, or prints {@code help}; every failure becomes one line on stderr and an exit code. */
    static int run(String name, String help, List<String> args, ExampleIo io, Body body) {
        if (args.contains("--help") || args.contains("-h")) {
            io.out().print(help);
            return OK;
        }
        try {
            return body.run(args, io);
        } catch (UsageException e) {
            io.err().println(name + ": " + e.getMessage() + " (see " + name + " --help)");
            return USAGE;
        } catch (ExampleFailure e) {
            io.err().println(name + ": " + e.getMessage());
            return FAILED;
        } catch (IOException e) {
            io.err().println(name + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return FAILED;
        } catch (InterruptedException e) {
            io.err().println(name + ": interrupted");
            return FAILED;
        }
    }

    /**
     * The {@code main} of every example: runs {@code entry} on this process's arguments and
     * environment and exits with its code. Ctrl-C (SIGINT) or SIGTERM interrupts the example,
     * which then closes its node and ends, as a test ends it by interrupting its thread.
     */
    static void main(String[] argv, Entry entry) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", LOG_FORMAT);
        }
        Thread worker = Thread.currentThread();
        Thread stopper = new Thread(() -> {
            worker.interrupt();
            try {
                worker.join(STOP_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "example-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        int code = entry.run(List.of(argv), ExampleIo.system());
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException e) {
            return; // Ctrl-C: the JVM is already exiting, and its hook is waiting for this return
        }
        System.exit(code);
    }

    /**
     * Blocks until the example is asked to stop (its thread interrupted, by Ctrl-C or a test),
     * then says so.
     * The interrupt is consumed on purpose: the caller goes on to close its node, which waits
     * for the node's threads, and a pending interrupt would cut that wait short.
     */
    static void untilStopped(ExampleIo io) {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            io.out().println("stopping");
        }
    }
}
