package io.microlink.interop.nat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.interop.Exec;
import io.microlink.interop.FreePorts;
import io.microlink.interop.Headscale;
import io.microlink.interop.MicrolinkProcess;
import io.microlink.interop.NatTopology;
import io.microlink.interop.PingReply;
import io.microlink.interop.Reaper;
import io.microlink.interop.TailscaleStatus;
import io.microlink.interop.Tailscaled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tailnet on a {@link NatTopology}: headscale (with its relay and STUN) in the public
 * namespace, and nodes, real tailscaled or the Java daemon, each on its own host of some
 * router's LAN. Closing it stops every process and removes every namespace and file.
 *
 * <pre>{@code
 * try (NatLab lab = new NatLab()) {
 *     NatTopology.Router a = lab.net().router("ra", NatTopology.Nat.EASY);
 *     NatLab.Node ts = lab.tailscaled("tsa", a), java = lab.java("mla", a);
 *     ts.up(); java.up();
 *     NatLab.Probe p = java.probe(ts, Duration.ofSeconds(15));
 * }
 * }</pre>
 */
public final class NatLab implements AutoCloseable {
    private static final Duration UP_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final NatTopology net;
    private final Headscale headscale;
    private final Headscale.AuthKey key;
    private final List<AutoCloseable> processes = new ArrayList<>();
    private final Set<NatTopology.Router> forwarding = new HashSet<>();

    /** The public namespace with headscale in it; routers and nodes come after. */
    public NatLab() {
        try {
            dir = Files.createTempDirectory(Reaper.ownPrefix() + "nat");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the lab's directory", e);
        }
        try {
            net = new NatTopology();
        } catch (RuntimeException e) {
            Reaper.deleteTree(dir);
            throw e;
        }
        try {
            headscale = Headscale.startIn(net, dir.resolve("headscale"));
            key = headscale.createAuthKey(headscale.createUser("alice"), true, false, Duration.ofHours(1));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public NatTopology net() {
        return net;
    }

    /** The lab's control server (to approve routes, for one). */
    public Headscale headscale() {
        return headscale;
    }

    /**
     * What a ping found: whether any pong came directly, from where, and how long the ping
     * command ran (from its start to the first direct pong, or to its end).
     *
     * @param via the path of the first direct pong, else of the last pong ({@code DERP(...)}), or "none"
     */
    public record Probe(boolean direct, String via, Duration elapsed) {
        static Probe of(List<PingReply> pongs, Duration elapsed) {
            return pongs.stream().filter(PingReply::direct).findFirst()
                    .map(p -> new Probe(true, p.via(), elapsed))
                    .orElseGet(() -> new Probe(false, pongs.isEmpty() ? "none" : pongs.getLast().via(), elapsed));
        }

        /** Whether any pong came back, directly or through DERP. */
        public boolean answered() {
            return !via.equals("none");
        }

        /** The address part of {@link #via} ({@code 203.0.113.2} of {@code 203.0.113.2:41641}). */
        public String viaAddress() {
            int colon = via.lastIndexOf(':');
            return direct ? via.substring(0, colon).replace("[", "").replace("]", "") : via;
        }
    }

    /** A node of the lab on its own host. */
    public abstract static sealed class Node permits TailscaledNode, JavaNode {
        final String name;
        final NatTopology.Host host;

        Node(String name, NatTopology.Host host) {
            this.name = name;
            this.host = host;
        }

        public String name() {
            return name;
        }

        public NatTopology.Host host() {
            return host;
        }

        /** Logs in with the lab's key and waits until connected. */
        public abstract void up();

        /** Pings {@code peer} until the first direct pong, for about {@code budget}. */
        public abstract Probe probe(Node peer, Duration budget);

        /** Whether this node lists {@code peer} online (so a ping can start at once). */
        public abstract boolean sees(Node peer);

        /**
         * Sends {@code peer} data, not DISCO: a TCP connection to its port 80 (the Java daemon's
         * web page; nothing on a userspace tailscaled, which answers with a reset), then no more.
         */
        public abstract void sendData(Node peer);

        /** The direct path this node uses to {@code peer} now ({@code ip:port}), or null if it relays. */
        public abstract String directPath(Node peer);

        /** The last lines of this node's log, for a failure report. */
        public abstract String logTail();

        @Override
        public String toString() {
            return name + "@" + host.address();
        }
    }

    static final class TailscaledNode extends Node {
        private final Tailscaled ts;
        private final String loginServer;
        private final Headscale.AuthKey key;

        TailscaledNode(String name, NatTopology.Host host, Tailscaled ts, String loginServer, Headscale.AuthKey key) {
            super(name, host);
            this.ts = ts;
            this.loginServer = loginServer;
            this.key = key;
        }

        @Override
        public void up() {
            ts.up(loginServer, key);
        }

        @Override
        public Probe probe(Node peer, Duration budget) {
            long start = System.nanoTime();
            // tailscale ping waits about a second between relayed pongs and stops at the first direct one.
            Exec.Result r = ts.cli(budget.plusSeconds(30), "ping", "-c", Long.toString(Math.max(1, budget.toSeconds())),
                    "--timeout", "2s", peer.name());
            return Probe.of(PingReply.parseAll(r.stdout()), Duration.ofNanos(System.nanoTime() - start));
        }

        @Override
        public boolean sees(Node peer) {
            return ts.status().seesOnlineWithHomeDerp(peer.name());
        }

        @Override
        public void sendData(Node peer) {
            ts.cli(Duration.ofSeconds(10), "nc", peer.name(), "80");
        }

        @Override
        public String directPath(Node peer) {
            return ts.status().peer(peer.name()).map(TailscaleStatus.Peer::curAddr).filter(a -> !a.isEmpty())
                    .orElse(null);
        }

        @Override
        public String logTail() {
            return ts.process().logTail(60);
        }

        Tailscaled tailscaled() {
            return ts;
        }
    }

    static final class JavaNode extends Node {
        private final MicrolinkProcess daemon;
        private final String loginServer;
        private final Path keyFile;

        JavaNode(String name, NatTopology.Host host, MicrolinkProcess daemon, String loginServer, Path keyFile) {
            super(name, host);
            this.daemon = daemon;
            this.loginServer = loginServer;
            this.keyFile = keyFile;
        }

        @Override
        public void up() {
            daemon.cli(upFlags(UP_TIMEOUT)).requireSuccess();
        }

        @Override
        public Probe probe(Node peer, Duration budget) {
            long start = System.nanoTime();
            // microlink ping pauses 250 ms between relayed pongs: four per second of budget.
            Exec.Result r = daemon.cli("ping", "-c", Long.toString(Math.max(1, budget.toSeconds() * 4)),
                    "--timeout", "2s", peer.name());
            return Probe.of(PingReply.parseAll(r.stdout()), Duration.ofNanos(System.nanoTime() - start));
        }

        @Override
        public boolean sees(Node peer) {
            return status(peer).path("online").asBoolean();
        }

        @Override
        public void sendData(Node peer) {
            daemon.cli("nc", "--timeout", "5s", peer.name(), "80");
        }

        @Override
        public String directPath(Node peer) {
            String path = status(peer).path("path").asText("");
            return path.matches(".*:\\d+") ? path : null;
        }

        /** {@code peer}'s entry in {@code microlink status --json}, or a missing node. */
        private JsonNode status(Node peer) {
            Exec.Result r = daemon.cli("status", "--json");
            try {
                for (JsonNode p : JSON.readTree(r.requireSuccess().stdout()).path("peers")) {
                    if (p.path("name").asText().equals(peer.name())) {
                        return p;
                    }
                }
                return JSON.missingNode();
            } catch (IOException e) {
                throw new Exec.CommandFailedException("microlink status --json of " + name + " is not JSON: " + e);
            }
        }

        @Override
        public String logTail() {
            return daemon.log();
        }

        /** The daemon, for a test that drives its CLI itself. */
        MicrolinkProcess daemon() {
            return daemon;
        }

        /**
         * The flags {@link #up()} logs in with: {@code --accept-dns=false}, since a daemon with
         * {@code --tun} started by {@code ip netns exec} would otherwise write the machine's own
         * /etc/resolv.conf (a later {@code --accept-dns} wins, for a namespace given its own file).
         */
        String[] upFlags(Duration timeout) {
            return new String[] {"up", "--login-server", loginServer, "--auth-key-file", keyFile.toString(),
                    "--hostname", name, "--timeout", timeout.toSeconds() + "s", "--accept-dns=false"};
        }
    }

    /**
     * From now on every node placed behind {@code router} gets a static forward of its UDP port
     * on the router's WAN address (see {@link NatTopology.Router#forwardUdp}).
     */
    public synchronized void forwardPortsOf(NatTopology.Router router) {
        forwarding.add(router);
    }

    /** A real tailscaled on a new host of {@code router}'s LAN, started but not logged in. */
    public Node tailscaled(String name, NatTopology.Router router) {
        return tailscaled(name, router, Tailscaled.Options.DEFAULT);
    }

    /** As {@link #tailscaled(String, NatTopology.Router)}, run with {@code options}. */
    public synchronized Node tailscaled(String name, NatTopology.Router router, Tailscaled.Options options) {
        NatTopology.Host host = net.host(name, router);
        Tailscaled ts = Tailscaled.start(name, dir.resolve(name), options, host.namespace());
        processes.add(ts);
        if (forwarding.contains(router)) {
            router.forwardUdp(ts.port(), host);
        }
        return new TailscaledNode(name, host, ts, headscale.url(), key);
    }

    /** The Java daemon on a new host of {@code router}'s LAN, started but not logged in. */
    public Node java(String name, NatTopology.Router router) {
        return java(name, router, Map.of());
    }

    /**
     * As {@link #java(String, NatTopology.Router)}, with {@code env} added to the daemon's
     * environment (e.g. {@code HTTP_PROXY}) and {@code daemonFlags} on its command line.
     */
    public synchronized Node java(String name, NatTopology.Router router, Map<String, String> env,
                                  String... daemonFlags) {
        return java(name, net.host(name, router), env, daemonFlags);
    }

    /**
     * The Java daemon on a new host with two uplinks: its first link on {@code preferred}'s
     * LAN, a second on {@code backup}'s with a default route of a higher metric, started with
     * {@code --uplinks FIRST,SECOND} and {@code daemonFlags}; not logged in. Returns the node and
     * the two interface names, preferred first.
     */
    public synchronized UplinkNode javaWithUplinks(String name, NatTopology.Router preferred,
                                                   NatTopology.Router backup, String... daemonFlags) {
        return javaWithTwoLinks(name, preferred, backup, true, daemonFlags);
    }

    /**
     * The same host, two links with a default route each, with a daemon started without
     * {@code --uplinks}: it follows the main default route (the first link's) as any node does.
     */
    public synchronized UplinkNode javaWithTwoLinks(String name, NatTopology.Router preferred,
                                                    NatTopology.Router backup, String... daemonFlags) {
        return javaWithTwoLinks(name, preferred, backup, false, daemonFlags);
    }

    private UplinkNode javaWithTwoLinks(String name, NatTopology.Router preferred, NatTopology.Router backup,
                                        boolean asUplinks, String... daemonFlags) {
        NatTopology.Host host = net.host(name, preferred);
        String second = net.addUplink(host, backup, 100);
        String first = net.interfaceOf(host);
        List<String> flags = new ArrayList<>(asUplinks ? List.of("--uplinks", first + "," + second) : List.of());
        flags.addAll(List.of(daemonFlags));
        return new UplinkNode((JavaNode) java(name, host, Map.of(), flags.toArray(String[]::new)), first, second);
    }

    /** A Java node whose host has two links to the internet, and their interface names (the first's route preferred). */
    public record UplinkNode(JavaNode node, String preferred, String backup) {}

    /** The Java daemon on {@code host}, made beforehand (to prepare its namespace's files), started but not logged in. */
    public Node java(String name, NatTopology.Host host, Map<String, String> env, String... daemonFlags) {
        NatTopology.Router router = host.router();
        Path state = dir.resolve(name);
        Path keyFile = dir.resolve(name + "-authkey");
        int port = forwarding.contains(router) ? FreePorts.udp() : 0;
        try {
            writeOwnerOnly(keyFile, key.key());
            if (port != 0) {
                // The daemon's settings file, as `microlink` would save it, so the port is known before it starts.
                Files.createDirectories(state, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
                writeOwnerOnly(state.resolve("settings.json"), "{\"format\":1,\"udpPort\":" + port + "}");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the state of " + name, e);
        }
        MicrolinkProcess daemon = new MicrolinkProcess(state, host.namespace()).withEnv(env).start(daemonFlags);
        processes.add(daemon);
        if (port != 0) {
            router.forwardUdp(port, host);
        }
        return new JavaNode(name, host, daemon, headscale.url(), keyFile);
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))), text);
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable p : processes) {
            try {
                p.close();
            } catch (Exception e) {
                System.err.println("nat lab: cannot stop " + p + ": " + e.getMessage());
            }
        }
        processes.clear();
        if (headscale != null) {
            headscale.close();
        }
        net.close();
        Reaper.deleteTree(dir);
    }
}
