package io.microlink.daemon.verbs;

import io.microlink.daemon.cli.Cli;
import io.microlink.daemon.cli.Io;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** The whole CLI run in this JVM on a state directory of the test's, keeping what the last run printed. */
final class CliRun {
    private final Path stateDir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    CliRun(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** Runs {@code microlink args...} with nothing on standard input; returns the exit code. */
    int run(String... args) {
        out.reset();
        err.reset();
        Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("MICROLINK_STATE_DIR", stateDir.toString()));
        return new Cli(Verbs.all()).run(args, io);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
