package io.microlink.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A real tailnet on this machine: one headscale and any number of tailscaled nodes, all on
 * 127.0.0.1, in a private temp directory. Register it as a static JUnit extension; it is
 * torn down after the class (also when tests fail or are interrupted) and prints every
 * process's log when a test fails.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestTailnet tailnet = TestTailnet.create();
 *
 * @Test
 * void pings() {
 *     Tailscaled ts1 = tailnet.addNode("ts1"), ts2 = tailnet.addNode("ts2");
 *     tailnet.awaitMesh(Duration.ofSeconds(60));
 *     assertThat(ts1.ping("ts2", "-c", "1").getFirst().via()).isNotEmpty();
 * }
 * }</pre>
 *
 * Outside JUnit, use it with try-with-resources.
 */
public final class TestTailnet implements AutoCloseable, AfterAllCallback, TestWatcher {
    /** The user nodes join as unless a test says otherwise. */
    public static final String DEFAULT_USER = "alice";
    private static final int LOG_LINES_ON_FAILURE = 150;

    private final String policy;
    private final Path dir;
    private final Map<String, Headscale.User> users = new LinkedHashMap<>();
    private final Map<String, Headscale.AuthKey> reusableKeys = new LinkedHashMap<>();
    private final List<Tailscaled> nodes = new ArrayList<>();
    private final NetworkNamespaces namespaces = new NetworkNamespaces();
    private Headscale headscale;
    private boolean closed;

    private TestTailnet(String policy) {
        NetworkIsolation.require();
        this.policy = policy;
        try {
            this.dir = Files.createTempDirectory(Reaper.ownPrefix());
            Reaper.registerDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the tailnet's temp directory", e);
        }
    }

    /** A tailnet with headscale's default allow-all policy. Nothing starts until first use. */
    public static TestTailnet create() {
        return new TestTailnet(null);
    }

    /** A tailnet whose headscale enforces {@code policy} (headscale's HuJSON ACL format). */
    public static TestTailnet withPolicy(String policy) {
        return new TestTailnet(policy);
    }

    /** The headscale server, started on first call. */
    public synchronized Headscale headscale() {
        requireOpen();
        if (headscale == null) {
            headscale = Headscale.start(dir.resolve("headscale"), policy);
        }
        return headscale;
    }

    /** The headscale user {@code name}, created on first use. */
    public synchronized Headscale.User user(String name) {
        return users.computeIfAbsent(name, n -> headscale().createUser(n));
    }

    /** A reusable, non-ephemeral pre-auth key of {@code userName}, valid for an hour. */
    public synchronized Headscale.AuthKey reusableKey(String userName) {
        return reusableKeys.computeIfAbsent(userName,
                n -> headscale().createAuthKey(user(n), true, false, Duration.ofHours(1)));
    }

    /** Starts a tailscaled node and logs it in as {@link #DEFAULT_USER}. */
    public Tailscaled addNode(String hostname) {
        return addNode(hostname, DEFAULT_USER, Tailscaled.Options.DEFAULT);
    }

    /** Starts a tailscaled node with {@code options} and logs it in as {@code userName}. */
    public synchronized Tailscaled addNode(String hostname, String userName, Tailscaled.Options options) {
        Headscale.AuthKey key = reusableKey(userName);
        Tailscaled node = Tailscaled.start(hostname, dir.resolve(hostname), options);
        nodes.add(node);
        node.up(headscale().url(), key);
        return node;
    }

    /** Stops and forgets a node, as if it left the tailnet without logging out. */
    public synchronized void removeNode(Tailscaled node) {
        node.close();
        nodes.remove(node);
    }

    public synchronized List<Tailscaled> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * Waits until every node lists every other node online with a home DERP: the same
     * sync condition headscale's integration suite uses.
     */
    public void awaitMesh(Duration timeout) {
        List<Tailscaled> all = nodes();
        for (Tailscaled node : all) {
            for (Tailscaled other : all) {
                if (other != node) {
                    Await.until(timeout, node.hostname() + " to see " + other.hostname() + " online with a home DERP",
                            () -> node.status().seesOnlineWithHomeDerp(other.hostname()));
                }
            }
        }
    }

    /** Namespaces owned by this tailnet, deleted with it. */
    public NetworkNamespaces namespaces() {
        return namespaces;
    }

    /** The tailnet's private directory (configs, state, logs). */
    public Path dir() {
        return dir;
    }

    /** The tail of every process's log, headscale first. */
    public synchronized String logs(int linesPerProcess) {
        StringBuilder sb = new StringBuilder();
        List<ManagedProcess> processes = new ArrayList<>();
        Optional.ofNullable(headscale).map(Headscale::process).ifPresent(processes::add);
        nodes.forEach(n -> processes.add(n.process()));
        for (ManagedProcess p : processes) {
            sb.append("----- ").append(p).append(" log ").append(p.logFile()).append(" (last ")
                    .append(linesPerProcess).append(" lines) -----\n").append(p.logTail(linesPerProcess)).append('\n');
        }
        return sb.toString();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this test tailnet is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        nodes.forEach(Tailscaled::close);
        nodes.clear();
        if (headscale != null) {
            headscale.close();
        }
        namespaces.close();
        Reaper.deleteTree(dir);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.println("===== test tailnet logs for failed test " + context.getDisplayName() + " =====\n"
                + logs(LOG_LINES_ON_FAILURE));
    }
}
