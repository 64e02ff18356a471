package io.microlink.examples;

import java.io.PrintStream;
import java.util.Map;

/**
 * Where an example reads its environment and writes: the process's own for a real run, or a
 * test's, so a test can run an example inside its JVM and read what it printed.
 *
 * <pre>{@code
 * int code = BasicConnect.run(List.of("--login-server", url), ExampleIo.system());
 * }</pre>
 *
 * @param env environment variables, e.g. {@code TS_AUTHKEY}
 * @param out what the example reports (its results)
 * @param err one-line errors, and the node's log
 */
public record ExampleIo(Map<String, String> env, PrintStream out, PrintStream err) {
    public static ExampleIo system() {
        return new ExampleIo(System.getenv(), System.out, System.err);
    }
}
