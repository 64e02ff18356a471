package io.microlink.interop;

import io.microlink.NodeState;
import io.microlink.TailnetNode;
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
import java.util.function.UnaryOperator;
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
    private static final Duration JAVA_NODE_TIMEOUT = Duration.ofSeconds(45);

    /** The region {@link #withSecondDerpRegion()} adds, and its code as tailscale prints it. */
    public static final int SECOND_REGION_ID = 900;
    public static final String SECOND_REGION_CODE = "second";

    private final String policy;
    private final boolean secondRegion;
    private final List<String> nameservers;
    private final Path dir;
    private final Map<String, Headscale.User> users = new LinkedHashMap<>();
    private final Map<String, Headscale.AuthKey> reusableKeys = new LinkedHashMap<>();
    private final List<Tailscaled> nodes = new ArrayList<>();
    private final List<TailnetNode> javaNodes = new ArrayList<>();
    private final NetworkNamespaces namespaces = new NetworkNamespaces();
    private Headscale headscale;
    private Derper derper;
    private boolean closed;

    private TestTailnet(String policy, boolean secondRegion, List<String> nameservers) {
        NetworkIsolation.require();
        this.policy = policy;
        this.secondRegion = secondRegion;
        this.nameservers = List.copyOf(nameservers);
        try {
            this.dir = Files.createTempDirectory(Reaper.ownPrefix());
            Reaper.registerDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the tailnet's temp directory", e);
        }
    }

    /** A tailnet with headscale's default allow-all policy. Nothing starts until first use. */
    public static TestTailnet create() {
        return new TestTailnet(null, false, List.of());
    }

    /**
     * A tailnet with two relay regions: headscale's embedded DERP and tailscale's own
     * {@code derper} as region {@value #SECOND_REGION_ID}, each with its STUN server.
     */
    public static TestTailnet withSecondDerpRegion() {
        return new TestTailnet(null, true, List.of());
    }

    /** A tailnet whose headscale enforces {@code policy} (headscale's HuJSON ACL format). */
    public static TestTailnet withPolicy(String policy) {
        return new TestTailnet(policy, false, List.of());
    }

    /**
     * A tailnet whose headscale gives its nodes {@code nameservers} (IP literals, port 53) as the
     * DNS config's {@code Resolvers}: headscale's {@code dns.nameservers.global} with
     * {@code override_local_dns}.
     */
    public static TestTailnet withNameservers(List<String> nameservers) {
        return new TestTailnet(null, false, nameservers);
    }

    /** The headscale server, started on first call. */
    public synchronized Headscale headscale() {
        requireOpen();
        if (headscale == null) {
            String extraRegions = null;
            if (secondRegion) {
                derper = Derper.start(dir.resolve("derper"));
                extraRegions = derper.regionYaml(SECOND_REGION_ID, SECOND_REGION_CODE);
            }
            headscale = Headscale.start(dir.resolve("headscale"), policy, false, extraRegions, nameservers);
        }
        return headscale;
    }

    /** The second region's relay ({@link #withSecondDerpRegion()} only), started with headscale. */
    public synchronized Derper derper() {
        headscale();
        if (derper == null) {
            throw new IllegalStateException("this tailnet was created without a second DERP region");
        }
        return derper;
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

    /**
     * Starts a Java node ({@link TailnetNode}) as {@link #DEFAULT_USER}, waits until it is
     * connected and until {@code seenBy} lists it with a home relay and it knows {@code seenBy}.
     * The tailnet closes it.
     */
    public synchronized TailnetNode addJavaNode(String hostname, Tailscaled seenBy) {
        return addJavaNode(hostname, seenBy, b -> b);
    }

    /** As {@link #addJavaNode(String, Tailscaled)}, with more settings, e.g. {@code b -> b.tunDevice("ml0")}. */
    public synchronized TailnetNode addJavaNode(String hostname, Tailscaled seenBy,
                                                UnaryOperator<TailnetNode.Builder> settings) {
        TailnetNode node = settings.apply(javaNodeBuilder(hostname)).build();
        javaNodes.add(node);
        node.start();
        Await.until(JAVA_NODE_TIMEOUT, hostname + " to connect", () -> node.state() == NodeState.CONNECTED);
        Await.until(JAVA_NODE_TIMEOUT, seenBy.hostname() + " to see " + hostname,
                () -> seenBy.status().seesOnlineWithHomeDerp(hostname));
        Await.until(JAVA_NODE_TIMEOUT, hostname + " to see " + seenBy.hostname(),
                () -> node.tailnet().find(seenBy.hostname()).isPresent());
        return node;
    }

    /**
     * The settings of a Java node of this tailnet, as {@link #DEFAULT_USER} with its state in
     * {@code dir()/hostname}; the caller builds, starts and closes it (e.g. to restart it on
     * the same state).
     */
    public synchronized TailnetNode.Builder javaNodeBuilder(String hostname) {
        return TailnetNode.builder()
                .controlUrl(headscale().url())
                .authKey(reusableKey(DEFAULT_USER).key())
                .hostname(hostname)
                .stateDirectory(dir.resolve(hostname))
                // A TUN node here lives in the test JVM's mount namespace: the machine's /etc/resolv.conf
                // must never be written (TunAcceptDnsInteropTest gives its daemon a namespace's own file).
                .acceptDns(false)
                .plainHttpDerpForTesting();
    }

    /** Stops and forgets a node, as if it left the tailnet without logging out. */
    public synchronized void removeNode(Tailscaled node) {
        node.close();
        nodes.remove(node);
    }

    /**
     * Starts a {@link #removeNode removed} tailscaled again on its own state directory, as after
     * a reboot: it logs in with the keys it kept, without {@code tailscale up}.
     */
    public synchronized Tailscaled restartNode(String hostname) {
        Tailscaled node = Tailscaled.start(hostname, dir.resolve(hostname), Tailscaled.Options.DEFAULT);
        nodes.add(node);
        return node;
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
        Optional.ofNullable(derper).map(Derper::process).ifPresent(processes::add);
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
        javaNodes.forEach(TailnetNode::close);
        javaNodes.clear();
        nodes.forEach(Tailscaled::close);
        nodes.clear();
        if (headscale != null) {
            headscale.close();
        }
        if (derper != null) {
            derper.close();
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
