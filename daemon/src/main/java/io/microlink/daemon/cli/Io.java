package io.microlink.daemon.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a command reads and writes: standard streams and environment, passed in so tests run
 * commands in-process.
 */
public record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    public static Io system() {
        return new Io(System.in, System.out, System.err, System.getenv());
    }
}
