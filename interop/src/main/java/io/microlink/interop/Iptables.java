package io.microlink.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * iptables rules in the test's own network namespace (never the host's: the tests run in
 * one of their own), removed again on close, also when the test fails.
 *
 * <pre>{@code
 * try (Iptables.Rule r = Iptables.add("OUTPUT", "-p", "udp", "--sport", "41641", "-j", "DROP")) {
 *     ... // UDP from port 41641 is dropped here
 * }
 * }</pre>
 */
public final class Iptables {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Iptables() {}

    /** An installed rule; closing deletes it. */
    public static final class Rule implements AutoCloseable {
        private final List<String> spec;
        private boolean removed;

        private Rule(List<String> spec) {
            this.spec = spec;
        }

        @Override
        public synchronized void close() {
            if (!removed) {
                removed = true;
                iptables("-D", spec);
            }
        }
    }

    /** Appends a rule to {@code chain}: {@code add("INPUT", "-p", "udp", "--dport", "9", "-j", "DROP")}. */
    public static Rule add(String chain, String... rule) {
        List<String> spec = new ArrayList<>(List.of(chain));
        spec.addAll(List.of(rule));
        iptables("-A", spec);
        return new Rule(spec);
    }

    private static void iptables(String op, List<String> spec) {
        NetworkIsolation.require();
        List<String> command = new ArrayList<>(List.of("iptables", op));
        command.addAll(spec);
        Exec.run(TIMEOUT, command).requireSuccess();
    }
}
