package io.microlink.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Network namespaces joined by veth pairs: separate hosts on one machine, for WireGuard,
 * TUN and NAT tests. Needs root (CAP_NET_ADMIN). Every namespace is deleted on close,
 * on JVM exit, or by the next run if this JVM was killed (see {@link Reaper}).
 *
 * <pre>{@code
 * try (NetworkNamespaces net = new NetworkNamespaces()) {
 *     String a = net.create("a"), b = net.create("b");
 *     net.link(a, "10.99.0.1/24", b, "10.99.0.2/24");
 *     net.exec(a, "ping", "-c", "1", "10.99.0.2").requireSuccess();
 * }
 * }</pre>
 */
public final class NetworkNamespaces implements AutoCloseable {
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(15);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Set<String> created = new LinkedHashSet<>();

    /**
     * Creates a namespace with loopback up and returns its full name,
     * {@code mlt<pid>-<n>-<label>}.
     */
    public String create(String label) {
        if (!label.matches("[a-z0-9]{1,12}")) {
            throw new IllegalArgumentException("namespace label must be 1-12 lowercase letters or digits: '" + label + "'");
        }
        String name = Reaper.ownPrefix() + SEQUENCE.incrementAndGet() + "-" + label;
        ip("netns", "add", name);
        Reaper.registerNamespace(name);
        created.add(name);
        exec(name, "ip", "link", "set", "lo", "up").requireSuccess();
        return name;
    }

    /**
     * Joins two namespaces with a veth pair and gives each end an address (CIDR form,
     * IPv4 or IPv6; null for none, e.g. an end that joins a bridge). Returns the interface
     * names {@code [inA, inB]}.
     */
    public List<String> link(String nsA, String cidrA, String nsB, String cidrB) {
        int n = SEQUENCE.incrementAndGet();
        // Both ends are created inside their namespaces, so names never clash with the host's.
        String ifA = "veth" + n + "a", ifB = "veth" + n + "b";
        ip("link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        configure(nsA, ifA, cidrA);
        configure(nsB, ifB, cidrB);
        return List.of(ifA, ifB);
    }

    /**
     * Joins this JVM's own network namespace to {@code ns} with a veth pair, so in-process code
     * (a TUN device, sockets) can talk to processes in {@code ns}. Returns {@code [inSelf, inNs]}.
     * The pair disappears with {@code ns}.
     */
    public List<String> linkToSelf(String cidrSelf, String ns, String cidrNs) {
        int n = SEQUENCE.incrementAndGet();
        String ifSelf = "vethj" + n, ifNs = "vethj" + n + "b";
        ip("link", "add", ifSelf, "type", "veth", "peer", "name", ifNs, "netns", ns);
        List<String> addr = new ArrayList<>(List.of("ip", "addr", "add", cidrSelf, "dev", ifSelf));
        if (cidrSelf.contains(":")) {
            addr.add("nodad");
        }
        Exec.run(IP_TIMEOUT, addr).requireSuccess();
        Exec.run(IP_TIMEOUT, List.of("ip", "link", "set", ifSelf, "up")).requireSuccess();
        configure(ns, ifNs, cidrNs);
        return List.of(ifSelf, ifNs);
    }

    /** Runs a command inside {@code ns} that may take longer than the usual 15 seconds. */
    public Exec.Result exec(String ns, Duration timeout, String... command) {
        return Exec.run(timeout, inside(ns, command));
    }

    private void configure(String ns, String ifName, String cidr) {
        if (cidr != null) {
            List<String> addr = new ArrayList<>(List.of("ip", "addr", "add", cidr, "dev", ifName));
            if (cidr.contains(":")) {
                addr.add("nodad"); // otherwise IPv6 stays "tentative" for a second or two
            }
            exec(ns, addr.toArray(String[]::new)).requireSuccess();
        }
        exec(ns, "ip", "link", "set", ifName, "up").requireSuccess();
    }

    /** Runs a short command inside {@code ns}. */
    public Exec.Result exec(String ns, String... command) {
        return Exec.run(IP_TIMEOUT, inside(ns, command));
    }

    /** Starts a long-running process inside {@code ns}; stopped like any {@link ManagedProcess}. */
    public ManagedProcess start(String ns, String name, List<String> command, Map<String, String> env,
                                java.nio.file.Path log) {
        return ManagedProcess.start(name, inside(ns, command.toArray(String[]::new)), env, log);
    }

    static List<String> inside(String ns, String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(command));
        return all;
    }

    /** Names of all network namespaces on the machine. */
    public static List<String> list() {
        Exec.Result r = Exec.run(IP_TIMEOUT, List.of("ip", "netns", "list"));
        if (!r.succeeded()) {
            return List.of();
        }
        // Lines look like "name" or "name (id: 3)".
        return r.stdout().lines().map(l -> l.split(" ")[0]).filter(s -> !s.isBlank()).toList();
    }

    /** Kills whatever still runs in {@code ns} and deletes it; never throws. */
    static void deleteQuietly(String ns) {
        Exec.Result pids = Exec.run(IP_TIMEOUT, List.of("ip", "netns", "pids", ns));
        pids.stdout().lines().map(String::strip).filter(s -> s.matches("\\d+"))
                .forEach(pid -> ProcessHandle.of(Long.parseLong(pid)).ifPresent(ManagedProcess::killTree));
        Exec.run(IP_TIMEOUT, List.of("ip", "netns", "del", ns));
        Reaper.unregisterNamespace(ns);
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Exec.run(IP_TIMEOUT, command).requireSuccess();
    }

    @Override
    public void close() {
        created.forEach(NetworkNamespaces::deleteQuietly);
        created.clear();
    }
}
