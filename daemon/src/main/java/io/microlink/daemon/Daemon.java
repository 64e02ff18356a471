package io.microlink.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microlink.NodeListener;
import io.microlink.NodeState;
import io.microlink.PeerEvent;
import io.microlink.TailnetNode;
import io.microlink.WhoIs;
import io.microlink.daemon.api.ApiException;
import io.microlink.daemon.api.ApiProtocol;
import io.microlink.host.settings.DebugFlag;
import io.microlink.host.settings.InvalidSettingsException;
import io.microlink.host.settings.NodeSettings;
import io.microlink.host.settings.SettingsStore;
import io.microlink.StateException;
import io.microlink.state.StateStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

/**
 * The daemon's one tailnet node and its settings: starts, restarts and stops the node as
 * the settings say, persisting every change first, with what lives beside the node (the
 * local proxies and the served ports). The local API's methods and the web page
 * ({@link DaemonWeb}, started and stopped with the node) steer the node only through here, so
 * there is one place that owns it.
 *
 * <pre>{@code
 * Daemon d = new Daemon(stateDir, new SettingsStore(stateDir).load(), DeviceName.machineSuffix(), null, false, false, null,
 *         UplinkOptions.NONE);
 * d.start();
 * d.update(d.settings().withChanges(json("{\"wantRunning\":true}")));
 * }</pre>
 */
public final class Daemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.daemon");
    private static final Duration LOGOUT_SETTLE = Duration.ofSeconds(10);
    private static final Duration KEY_PICKUP = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(50);
    /** The node opens its TUN device (or gives up on it) first thing; what runs beside it waits for the outcome. */
    private static final Duration TUN_OPEN = Duration.ofSeconds(10);
    /** What {@link #saveKeepingNode} applies to a running node without restarting it. */
    private static final Set<NodeSettings.Field> LIVE = EnumSet.of(NodeSettings.Field.DEBUG,
            NodeSettings.Field.DISCO_ALLOWLIST, NodeSettings.Field.AUTH_KEY, NodeSettings.Field.SOCKS5_PORT,
            NodeSettings.Field.HTTP_PROXY_PORT, NodeSettings.Field.PROXY_USERNAME, NodeSettings.Field.PROXY_PASSWORD,
            NodeSettings.Field.SERVE);

    private final Path stateDir;
    private final SettingsStore settingsStore;
    private final String machineSuffix;
    private final String tunDevice;
    private final boolean plainHttpDerp;
    private final boolean derpWebSocket;
    private final String outboundProxy;
    private final UplinkOptions uplinks;
    private final LocalProxies proxies = new LocalProxies();
    private final Serves serves = new Serves();
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private NodeSettings settings;
    /** The settings the running node was built with; null while no node runs. */
    private NodeSettings running;
    private TailnetNode node;
    /** The running node's web page; null while no node runs. */
    private DaemonWeb web;
    private volatile String loginUrl;

    /**
     * @param tunDevice     the TUN device to carry the tailnet for the whole OS ({@code microlink daemon
     *                      --tun NAME}), or null for userspace networking
     * @param plainHttpDerp reach DERP relays over plain HTTP (test tailnets on loopback only;
     *                      set by {@code MICROLINK_DEBUG_USE_DERP_HTTP=1}, never by a setting)
     * @param derpWebSocket always reach DERP relays through a WebSocket ({@code microlink daemon --derp-websocket})
     * @param outboundProxy the HTTP proxy for control and DERP ({@code microlink daemon --outbound-proxy}),
     *                      "direct", or null to follow HTTPS_PROXY/HTTP_PROXY/NO_PROXY
     * @param uplinks       the uplinks to fail over between ({@code microlink daemon --uplinks}), or none
     */
    public Daemon(Path stateDir, NodeSettings settings, String machineSuffix, String tunDevice,
                  boolean plainHttpDerp, boolean derpWebSocket, String outboundProxy, UplinkOptions uplinks) {
        this.stateDir = stateDir;
        this.settingsStore = new SettingsStore(stateDir);
        this.settings = settings;
        this.machineSuffix = machineSuffix;
        this.tunDevice = tunDevice;
        this.plainHttpDerp = plainHttpDerp;
        this.derpWebSocket = derpWebSocket;
        this.outboundProxy = outboundProxy;
        this.uplinks = uplinks;
    }

    /** Starts the node if the settings want it running. */
    public synchronized void start() throws StateException {
        apply(settings);
    }

    public Path stateDir() {
        return stateDir;
    }

    public synchronized NodeSettings settings() {
        return settings;
    }

    /** The name the node registers with, from the settings and this machine. */
    public synchronized String deviceName() {
        return settings.deviceName(machineSuffix);
    }

    /**
     * Saves {@code next} and brings the node in line: stopped when not wanted, restarted when
     * a setting that needs it changed, handed a new auth key when it waits for one.
     *
     * @throws ApiException {@code bad-state} when the settings cannot be saved or the state file is broken
     */
    public synchronized void update(NodeSettings next) throws ApiException {
        try {
            settingsStore.save(next);
            settings = next;
            apply(next);
            forgetUsedAuthKey();
        } catch (StateException e) {
            throw new ApiException(ApiException.BAD_STATE, e.getMessage()
                    + "; or start over as a new device with `microlink reset --yes --stop`");
        }
    }

    private void apply(NodeSettings next) throws StateException {
        DaemonLogging.setVerbose(next.debug().contains(DebugFlag.VERBOSE));
        if (!next.wantRunning()) {
            stopNode();
        } else if (node == null || next.needsRestartFrom(running)) {
            stopNode();
            startNode(next);
        } else {
            if (applyLive(next)) {
                // Let the node take up the key, so whoever asked sees the outcome, not the old refusal.
                awaitState(node, s -> s != NodeState.NEEDS_LOGIN, KEY_PICKUP);
            }
            running = next;
        }
        applyBesideNode(next);
    }

    /** The proxies and served ports, as {@code next} says, on the node as it is now (none while down). */
    private void applyBesideNode(NodeSettings next) {
        proxies.apply(node, next);
        serves.apply(node, next.serve(), next.reservedLocalPorts());
    }

    /**
     * Gives the running node what it takes without a restart: a new DISCO allowlist, and a new
     * auth key when it waits for one. Returns whether it was handed a key.
     */
    private boolean applyLive(NodeSettings next) {
        if (!next.discoAllowlist().equals(running.discoAllowlist())) {
            node.setDiscoAllowlist(next.discoAllowlist());
        }
        // A key file is read afresh: the same name may hold a new key.
        boolean newKey = next.authKey() != null
                && (next.authKeyFile().isPresent() || !Objects.equals(next.authKey(), running.authKey()));
        if (newKey && node.state() == NodeState.NEEDS_LOGIN) {
            String key = keyOrNull(next);
            if (key != null) {
                node.login(key);
                return true;
            }
        }
        return false;
    }

    /** The key {@code s} stand for; null, with a warning, when their key file cannot be read. */
    private static String keyOrNull(NodeSettings s) {
        try {
            return AuthKeys.keyOf(s);
        } catch (StateException e) {
            LOG.log(Level.WARNING, e.getMessage() + "; the node waits for a login (`microlink up`)");
            return null;
        }
    }

    /**
     * Drops an inline auth key from the settings once the node is logged in: its keys are in
     * state.json now, and a secret kept on disk is one to lose. A key file's name stays.
     */
    synchronized void forgetUsedAuthKey() {
        if (node == null || node.state() != NodeState.CONNECTED || !AuthKeys.holdsInlineKey(settings)) {
            return;
        }
        NodeSettings next = settings.withChanges(ApiProtocol.object().putNull(NodeSettings.Field.AUTH_KEY.jsonName()));
        try {
            settingsStore.save(next);
        } catch (StateException e) {
            LOG.log(Level.WARNING, "logged in, but cannot drop the used auth key from the settings: " + e.getMessage());
            return;
        }
        settings = next;
        running = running.withValuesOf(next, Set.of(NodeSettings.Field.AUTH_KEY));
        LOG.log(Level.INFO, "logged in; the auth key is no longer kept in the settings");
    }

    /**
     * Saves {@code next} from the web page: what needs no restart applies at once (debug flags,
     * the DISCO allowlist, an auth key, the proxies and served ports); the rest waits for
     * {@link #restartNode()}, so the page that asked keeps its node and its connection.
     */
    synchronized void saveKeepingNode(NodeSettings next) throws StateException {
        settingsStore.save(next);
        settings = next;
        DaemonLogging.setVerbose(next.debug().contains(DebugFlag.VERBOSE));
        if (node != null) {
            applyLive(next);
            running = running.withValuesOf(next, LIVE);
        }
        applyBesideNode(next);
    }

    /** Saved settings the running node does not use yet (none while it is down). */
    synchronized Set<NodeSettings.Field> waitingForRestart() {
        return node == null ? Set.of() : settings.changedFrom(running);
    }

    /** Stops the node and starts it again from the saved settings (or leaves it down if they say so). */
    synchronized void restartNode() {
        LOG.log(Level.INFO, "restarting the node, as asked on the web page");
        stopNode();
        try {
            apply(settings);
        } catch (StateException e) {
            LOG.log(Level.ERROR, "cannot restart the node: " + e.getMessage());
        }
    }

    private void startNode(NodeSettings s) throws StateException {
        new StateStore(stateDir).load(); // a broken state file stops us here, with its message
        TailnetNode.Builder b = TailnetNode.builder()
                .controlUrl(s.controlUrl())
                .authKey(keyOrNull(s))
                .hostname(s.deviceName(machineSuffix))
                .stateDirectory(stateDir)
                .udpPort(s.udpPort())
                .maxActivePeers(s.maxActivePeers())
                .discoAllowlist(s.discoAllowlist())
                .dnsUpstreams(s.dnsUpstreamAddresses())
                .priorityPeer(s.priorityPeer())
                .acceptRoutes(s.acceptRoutes())
                .exitNode(s.exitNode())
                .exitNodeAllowLanAccess(s.exitNodeAllowLanAccess())
                .advertiseRoutes(s.advertiseRoutes(), s.advertiseExitNode())
                .snatSubnetRoutes(s.snatSubnetRoutes())
                .acceptDns(s.acceptDns())
                .outboundProxy(outboundProxy)
                .derpWebSocket(derpWebSocket);
        if (plainHttpDerp) {
            b.plainHttpDerpForTesting();
        }
        if (tunDevice != null) {
            b.tunDevice(tunDevice);
        }
        uplinks.applyTo(b);
        TailnetNode n = b.build();
        n.addListener(new Reporter());
        LOG.log(Level.INFO, "starting node {0} with control {1}", s.deviceName(machineSuffix), s.controlUrl());
        loginUrl = null;
        n.start();
        if (tunDevice != null) {
            // Proxies and served ports need the node's socket API, which TUN mode hands to the OS.
            awaitState(n, st -> st != NodeState.IDLE, TUN_OPEN);
            LOG.log(Level.INFO, n.tunInterface().map(dev -> "TUN mode: the OS reaches the tailnet through " + dev)
                    .orElse("userspace mode: TUN device " + tunDevice + " is not in use (see the warning above)"));
        }
        node = n;
        running = s;
        web = DaemonWeb.start(this, n, s);
    }

    private void stopNode() {
        // Forwarders and proxies go first: they use the node.
        serves.apply(null, settings.serve(), settings.reservedLocalPorts());
        proxies.apply(null, settings);
        if (node != null) {
            LOG.log(Level.INFO, "stopping the node");
            web.close(); // first: it listens on the node's address
            web = null;
            node.close();
            node = null;
            running = null;
            loginUrl = null;
        }
    }

    /** The running node, if the settings want one. */
    public synchronized Optional<TailnetNode> node() {
        return Optional.ofNullable(node);
    }

    /**
     * The node, if it is connected to the tailnet.
     *
     * @throws ApiException {@code not-logged-in} or {@code not-connected}, saying what to do
     */
    public TailnetNode connectedNode() throws ApiException {
        TailnetNode n = node().orElseThrow(() -> new ApiException(ApiException.NOT_CONNECTED,
                "microlink is down; run `microlink up` first"));
        return switch (n.state()) {
            case CONNECTED -> n;
            case NEEDS_LOGIN -> throw new ApiException(ApiException.NOT_LOGGED_IN, "not logged in ("
                    + n.stateDetail() + "); run `microlink up` with an auth key, or log in at the URL it shows");
            default -> throw new ApiException(ApiException.NOT_CONNECTED, "not connected yet (" + n.state() + ": "
                    + n.stateDetail() + ")");
        };
    }

    /** Where the node is: its state, or {@code DOWN} when the settings do not want it running. */
    public synchronized String stateName() {
        return node == null ? "DOWN" : node.state().name();
    }

    /** The TUN device {@code microlink daemon --tun} asked for, or null for userspace networking. */
    public String tunDevice() {
        return tunDevice;
    }

    /** Whether the running node carries the tailnet through a TUN device (false when it fell back, or is down). */
    public synchronized boolean tunActive() {
        return node != null && node.tunInterface().isPresent();
    }

    /** The SOCKS5 and HTTP proxies: where they listen, or why they do not. */
    public List<LocalProxies.Proxy> proxies() {
        return proxies.state();
    }

    /** The served ports, in tailnet port order, and whether each is forwarded now. */
    public List<Serves.Served> served() {
        return serves.state();
    }

    /**
     * Forwards {@code tailnetPort} to 127.0.0.1:{@code localPort} from now on and after restarts
     * (it is saved in the settings), replacing an earlier local port for it.
     *
     * @throws ApiException {@code bad-request} for ports out of range or too many served ports;
     *                      {@code failed}, with nothing saved, when the running node cannot listen there
     */
    public synchronized Serves.Served serve(int tailnetPort, int localPort) throws ApiException {
        NodeSettings before = settings;
        Map<Integer, Integer> ports = new TreeMap<>(before.serve());
        ports.put(tailnetPort, localPort);
        update(withServe(ports));
        String problem = serves.problem(tailnetPort);
        if (problem != null && node != null) {
            update(before);
            throw new ApiException(ApiException.FAILED, problem);
        }
        return served().stream().filter(s -> s.tailnetPort() == tailnetPort).findFirst().orElseThrow();
    }

    /**
     * Stops forwarding {@code tailnetPort}, closing its open connections, and forgets it.
     *
     * @throws ApiException {@code failed} when the port is not served
     */
    public synchronized void unserve(int tailnetPort) throws ApiException {
        if (!settings.serve().containsKey(tailnetPort)) {
            throw new ApiException(ApiException.FAILED, "tailnet port " + tailnetPort
                    + " is not served (`microlink serve status` lists what is)");
        }
        Map<Integer, Integer> ports = new TreeMap<>(settings.serve());
        ports.remove(tailnetPort);
        update(withServe(ports));
    }

    private NodeSettings withServe(Map<Integer, Integer> ports) throws ApiException {
        ObjectNode patch = ApiProtocol.object();
        ObjectNode map = patch.putObject(NodeSettings.Field.SERVE.jsonName());
        ports.forEach((from, to) -> map.put(String.valueOf(from), to));
        try {
            return settings.withChanges(patch);
        } catch (InvalidSettingsException e) {
            throw new ApiException(ApiException.BAD_REQUEST, e.getMessage());
        }
    }

    /**
     * The tailnet node and user behind a served connection, given the address the local server
     * sees it come from ({@code 127.0.0.1:<port>}), with the tailnet port it came in on; empty
     * when no forwarded connection comes from there now.
     */
    public Optional<Map.Entry<Integer, WhoIs>> servedCaller(InetSocketAddress localSide) {
        return serves.callerOf(localSide);
    }

    /**
     * The local web page's link with its token, or why there is none (as a {@link ApiException}
     * whose message says what to do).
     */
    public synchronized String webUrl() throws ApiException {
        if (!settings.webEnabled() || settings.webLocalPort() == 0) {
            throw new ApiException(ApiException.FAILED, "the web page is off on 127.0.0.1 (settings webEnabled "
                    + settings.webEnabled() + ", webLocalPort " + settings.webLocalPort() + ")");
        }
        if (web == null) {
            throw new ApiException(ApiException.NOT_CONNECTED,
                    "the web page runs with the node, which is down; run `microlink up` first");
        }
        return web.localUrl().orElseThrow(() -> new ApiException(ApiException.FAILED,
                "the web page could not open 127.0.0.1:" + settings.webLocalPort() + "; see the daemon's log"));
    }

    /** The interactive login URL the node waits on, or null. */
    public String loginUrl() {
        return loginUrl;
    }

    /**
     * Logs the node out at control, then takes it down and forgets the auth key, so it stays
     * out until the next {@code up}. Keys and settings otherwise stay.
     */
    public synchronized void logout() throws ApiException {
        if (node != null && node.state() == NodeState.CONNECTED) {
            try {
                node.logout();
                awaitState(node, s -> s == NodeState.NEEDS_LOGIN, LOGOUT_SETTLE);
            } catch (IOException e) {
                throw new ApiException(ApiException.FAILED, "control did not accept the logout: " + e.getMessage());
            }
        } else if (node == null) {
            throw new ApiException(ApiException.NOT_CONNECTED, "microlink is down, so control cannot be told;"
                    + " run `microlink up` first, or `microlink reset` to erase this node's keys");
        }
        update(settings.withChanges(ApiProtocol.object().put("wantRunning", false)
                .putNull("authKey")));
    }

    /**
     * Waits (bounded) for the node's control thread to reach a state: after a logout, that it
     * dropped the logged-out key and saved a fresh one (NEEDS_LOGIN), so the next start does
     * not offer the old key.
     */
    private static void awaitState(TailnetNode n, Predicate<NodeState> wanted, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (!wanted.test(n.state()) && System.nanoTime() - deadline < 0) {
                Thread.sleep(POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the daemon's main thread to stop it (the {@code shutdown} method, SIGTERM). */
    public void requestShutdown() {
        shutdown.countDown();
    }

    void awaitShutdown() throws InterruptedException {
        shutdown.await();
    }

    /** Stops the node (bounded); settings and keys stay as they are. */
    @Override
    public synchronized void close() {
        stopNode();
    }

    /** Tells the log (and {@link #loginUrl}) what the node does. */
    private final class Reporter implements NodeListener {
        @Override
        public void stateChanged(NodeState state, String detail) {
            if (state == NodeState.CONNECTED) {
                loginUrl = null;
                // Not on the node's thread: the daemon's lock may be held by someone waiting on this node.
                Thread.ofVirtual().name("microlink-forget-key").start(Daemon.this::forgetUsedAuthKey);
            }
        }

        @Override
        public void loginUrl(String url) {
            loginUrl = url;
            LOG.log(Level.WARNING, "to log this node in, visit {0}", url);
        }

        @Override
        public void peerChanged(PeerEvent e) {
            if (e.kind() != PeerEvent.Kind.CHANGED) {
                LOG.log(Level.INFO, "peer {0} {1}", e.peer().fqdn(), e.kind().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }
}
