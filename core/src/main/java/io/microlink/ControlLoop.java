package io.microlink;

import io.microlink.control.Backoff;
import io.microlink.control.ControlClient;
import io.microlink.control.ControlHttpException;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.MapRequest;
import io.microlink.control.wire.MapResponse;
import io.microlink.control.wire.Node;
import io.microlink.control.wire.RegisterRequest;
import io.microlink.control.wire.RegisterResponse;
import io.microlink.dataplane.Dataplane;
import io.microlink.http.PeerText;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.magicsock.Magicsock;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import io.microlink.state.NodeIdentity;
import io.microlink.state.PeerCache;
import io.microlink.state.PeerCacheKeeper;
import io.microlink.state.NodeFiles;
import io.microlink.state.StateStore;
import io.microlink.tun.SystemResolver;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * The node's life with control, on one thread (the packets are the {@link Dataplane}'s): reach the server, make sure the node key is
 * registered (restart, auth key, interactive login, expiry), then follow the map long poll
 * until it breaks, and start over after a backoff. Every failure becomes a state and a
 * message; nothing is retried faster than the backoff allows.
 */
final class ControlLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.microlink.control");
    private static final Duration KEY_FETCH_TIMEOUT = Duration.ofSeconds(10);
    private static final String ZERO_NODE_KEY = PublicKey.of(KeyKind.NODE, new byte[32]).toString();

    private final NodeConfig config;
    private final StateStore store;
    private final LoopListener listener;
    private final Backoff backoff;
    private final ControlPings pings;
    /** The one peers know this node by: from the peer cache if it has one, so they recognise it at once. */
    private volatile PrivateKey discoKey;
    private final LinkedBlockingQueue<String> newAuthKeys = new LinkedBlockingQueue<>();
    private final LongAdder netmapUpdates = new LongAdder();

    private volatile boolean running = true;
    private volatile boolean loggedOut;
    private volatile NodeState state = NodeState.IDLE;
    private volatile String detail = "";
    private volatile Netmap netmap = NetmapUpdater.empty();
    private volatile NodeIdentity identity;
    private final NetworkReports reports = new NetworkReports();
    /** The services the last Hostinfo sent named: when the data plane's differ, control is told again. */
    private volatile List<Hostinfo.Service> servicesTold = List.of();
    private final Object liteUpdates = new Object();
    private final Dataplane dataplane;
    private volatile ControlClient client;
    /** A rebind closed the control connection: dial again at once, not after a backoff. */
    private volatile boolean redialNow;
    private volatile PeerCacheKeeper cacheKeeper;
    /** The netmap is the peer cache's provisional one, which the first real map replaces entirely. */
    private boolean seeded;
    private String authKey;
    private PrivateKey previousNodeKey;

    ControlLoop(NodeConfig config, LoopListener listener) {
        this.config = config;
        this.store = new StateStore(config.stateDirectory());
        this.listener = listener;
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax(), RandomGenerator.getDefault());
        this.authKey = config.authKey();
        this.pings = new ControlPings(config.controlUrl(), config.tls(), config.dialer());
        this.dataplane = new Dataplane(new Dataplane.Settings(config.udpPort(), config.derpTransport(), config.tls(),
                config.discoAllowlist(), config.priorityPeer(), config.maxActivePeers(), config.tunDevice(), config.dnsUpstreams(),
                config.routes(), config.advertisedRoutes(), config.snatSubnetRoutes(), config.relayTarget(), config.dialer(), config.uplinks(),
                new SystemResolver.Config(SystemResolver.RESOLV_CONF, config.stateDirectory(), config.acceptDns())),
                () -> identity.nodeKey(), () -> netmap, this::networkChanged);
        dataplane.onStranded(this::closeIfStranded);
    }

    @Override
    public void run() {
        try (NodeFiles.Lock lock = NodeFiles.lock(config.stateDirectory())) {
            identity = loadOrCreateIdentity();
            dataplane.openTun();
            PeerCache cache = PeerCache.load(config.stateDirectory(), config.peerCacheSize(), identity);
            discoKey = cache.discoKey();
            dataplane.resume(discoKey, cache.udpPort());
            cache.seed().ifPresent(this::seed);
            try (PeerCacheKeeper keeper = PeerCacheKeeper.start(cache, () -> netmap, dataplane::receivedBytes,
                    dataplane::udpPort)) {
                cacheKeeper = keeper;
                followControl();
            }
        } catch (StateException e) {
            setState(NodeState.STOPPED, e.getMessage());
        }
    }

    /** Until stopped: reach control, register, follow the map; after each failure a backoff. */
    private void followControl() {
        while (running) {
            try {
                connectAndFollowMap();
            } catch (LoginRequiredException e) {
                setState(NodeState.NEEDS_LOGIN, e.getMessage());
                if (!awaitNewAuthKey()) {
                    break;
                }
                continue;
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    break;
                }
                dropClient();
                if (loggedOut) {
                    continue; // logout broke the stream on purpose
                }
                if (redialNow) {
                    redialNow = false;
                    continue; // the network moved under the connection; control itself is fine
                }
                setState(NodeState.CONNECTING, "control unreachable or broken: " + describe(e) + "; retrying");
                // A RuntimeException here is our bug, not the network's: make it visible.
                LOG.log(e instanceof RuntimeException ? Level.WARNING : Level.DEBUG, "control loop failure", e);
            }
            if (!sleep(backoff.next())) {
                break;
            }
        }
        dropClient();
        dataplane.close(); // again, for a TUN device that stop() found still opening
        setState(NodeState.STOPPED, "stopped");
    }

    /**
     * Starts from the peer cache's provisional netmap: own addresses, relays and recently used
     * peers, so those are reachable before control answers (or while it is down).
     */
    private void seed(Netmap cached) {
        LOG.log(Level.INFO, "{0} peers from the peer cache are reachable until control sends the netmap",
                cached.peers().size());
        netmap = cached;
        seeded = true;
        dataplane.follow(NetmapUpdater.empty(), cached);
        listener.netmapChanged(cached);
    }

    private NodeIdentity loadOrCreateIdentity() throws StateException {
        var saved = store.load();
        if (saved.isPresent() && saved.get().controlUrl().equals(config.controlUrl().toString())) {
            return saved.get();
        }
        // New node, or one moved to another control server: it gets a new identity there.
        NodeIdentity fresh = new NodeIdentity(config.controlUrl().toString(), PrivateKey.generate(KeyKind.MACHINE),
                PrivateKey.generate(KeyKind.NODE), false);
        store.save(fresh);
        return fresh;
    }

    private void connectAndFollowMap() throws IOException, LoginRequiredException {
        if (loggedOut) {
            authKey = null;
            rotateNodeKey();
            previousNodeKey = null; // a logged-out key is not carried over
            throw new LoginRequiredException("logged out; waiting for a new auth key");
        }
        setState(NodeState.CONNECTING, "reaching " + config.controlUrl());
        ControlClient c = client;
        if (c == null) {
            PublicKey serverKey = ControlClient.fetchServerKey(config.controlUrl(), KEY_FETCH_TIMEOUT, config.tls(),
                    config.dialer());
            c = new ControlClient(config.controlUrl(), identity.machineKey(), serverKey, config.mapWatchdog(),
                    config.tls(), config.dialer());
            client = c;
        }
        ensureRegistered(c);
        followMap(c);
    }

    private void ensureRegistered(ControlClient c) throws IOException, LoginRequiredException {
        setState(NodeState.REGISTERING, "registering " + identity.nodeKey().publicKey().shortString());
        if (identity.registered()) {
            // Restart path: no credentials, control tells us whether the key is still good.
            RegisterResponse r = c.register(request(null, ""));
            if (authorized(r)) {
                return;
            }
            if (r.nodeKeyExpired()) {
                rotateNodeKey();
            } else {
                saveIdentity(identity.withRegistered(false));
            }
        }
        registerWithCredentials(c);
    }

    private void registerWithCredentials(ControlClient c) throws IOException, LoginRequiredException {
        RegisterResponse r = c.register(request(authKey, ""));
        if (r.nodeKeyExpired()) {
            rotateNodeKey();
            r = c.register(request(authKey, ""));
        }
        if (authorized(r)) {
            previousNodeKey = null;
            saveIdentity(identity.withRegistered(true));
            return;
        }
        if (r.authUrl() != null && !r.authUrl().isEmpty()) {
            interactiveLogin(c, r.authUrl());
            return;
        }
        throw new LoginRequiredException(r.error() != null && !r.error().isEmpty()
                ? "control refused the registration: " + PeerText.forLog(r.error(), PeerText.DEFAULT_MAX)
                : "control did not authorize this node");
    }

    private void interactiveLogin(ControlClient c, String url) throws IOException, LoginRequiredException {
        setState(NodeState.NEEDS_LOGIN, "to log in, visit " + PeerText.forLog(url, 1024));
        listener.loginUrl(url);
        while (running) {
            String offered = newAuthKeys.poll();
            if (offered != null && !offered.isEmpty()) {
                authKey = offered; // the application supplied a key meanwhile: use it instead
                registerWithCredentials(c);
                return;
            }
            RegisterResponse r;
            try {
                r = c.register(request(null, url)); // control holds this until the login completes
            } catch (InterruptedIOException e) {
                continue; // the follow-up long poll timed out: ask again
            }
            if (authorized(r)) {
                previousNodeKey = null;
                saveIdentity(identity.withRegistered(true));
                return;
            }
            if (r.error() != null && !r.error().isEmpty()) {
                throw new LoginRequiredException("interactive login failed: "
                        + PeerText.forLog(r.error(), PeerText.DEFAULT_MAX));
            }
        }
    }

    private static boolean authorized(RegisterResponse r) {
        return r.machineAuthorized() && (r.authUrl() == null || r.authUrl().isEmpty())
                && (r.error() == null || r.error().isEmpty()) && !r.nodeKeyExpired();
    }

    private RegisterRequest request(String key, String followup) {
        String old = previousNodeKey == null ? ZERO_NODE_KEY : previousNodeKey.publicKey().toString();
        return new RegisterRequest(ControlClient.CAPABILITY_VERSION, identity.nodeKey().publicKey().toString(), old,
                key == null ? null : new RegisterRequest.Auth(key), RegisterRequest.ZERO_TIME, followup, hostinfo(),
                null);
    }

    private void followMap(ControlClient c) throws IOException {
        try (ControlClient.MapStream stream = c.map(mapRequest(true, reports.streamRequested()))) {
            boolean first = true;
            for (MapResponse m; running && !loggedOut && (m = stream.next()) != null; ) {
                MapResponse message = m;
                LOG.log(Level.DEBUG, () -> "map message: " + MapSummary.of(message));
                pings.answer(m.pingRequest()); // may come with a keep-alive
                Netmap base = seeded ? NetmapUpdater.empty() : netmap; // nothing of the cache's seed stays
                NetmapUpdater.Result result = NetmapUpdater.apply(base, m);
                if (result.netmap() == base) {
                    continue; // keep-alive
                }
                seeded = false;
                Netmap previous = netmap;
                netmap = result.netmap();
                dataplane.follow(previous, netmap);
                netmapUpdates.increment();
                if (first) {
                    first = false;
                    backoff.reset();
                    setState(NodeState.CONNECTED, netmap.peers().size() + " peers");
                    if (reports.streamAnswered()) {
                        Thread.ofVirtual().name("microlink-lite-update").start(() -> sendLiteUpdate(c));
                    }
                }
                if (!dataplane.services().equals(servicesTold)) {
                    // An exit node's peerAPI started with this netmap's addresses: peers learn its port.
                    Thread.ofVirtual().name("microlink-lite-update").start(() -> sendLiteUpdate(c));
                }
                result.events().forEach(listener::peerChanged);
                listener.netmapChanged(netmap);
                if (selfExpired()) {
                    setState(NodeState.EXPIRED, "node key expired at " + netmap.self().orElseThrow().keyExpiry());
                    rotateNodeKey();
                    return; // re-register on the next round
                }
            }
        } catch (ControlHttpException e) {
            if (e.status() == 401 || e.status() == 403 || e.status() == 404) {
                // Control no longer knows this node key (deleted, or expired while we were away).
                saveIdentity(identity.withRegistered(false));
            }
            throw e;
        } finally {
            reports.streamClosed();
        }
    }

    /**
     * A network change moved the way out (another uplink or default route) or took the control
     * connection's local address away: the long poll would sit silent until its watchdog (two
     * minutes) noticed. Closed now, the loop dials control again through the new way at once.
     */
    private void closeIfStranded(Predicate<InetAddress> stranded) {
        ControlClient c = client;
        if (c != null && stranded.test(c.localAddress())) {
            LOG.log(Level.INFO, "the network change stranded the control connection; dialling control again");
            redialNow = true;
            // Off the caller's thread (magicsock's maintenance): closing TLS may try to write to the dead path.
            Thread.ofVirtual().name("microlink-control-close").start(c::close);
        }
    }

    /** Magicsock learned a new home region or endpoints: tell control with a lite update once it answered the stream. */
    private void networkChanged(Hostinfo.NetInfo info, List<Magicsock.OwnEndpoint> eps) {
        ControlClient c = client;
        if (reports.learned(info, eps) && c != null) {
            sendLiteUpdate(c);
        }
    }

    /**
     * Sends the latest report. One at a time, each the latest when it goes: the update due at the
     * stream's answer and one from a new netcheck may race, and control keeps whichever it got last.
     */
    private void sendLiteUpdate(ControlClient c) {
        synchronized (liteUpdates) {
            NetworkReports.Report r = reports.latest();
            try {
                c.update(mapRequest(false, r));
                LOG.log(Level.DEBUG, () -> "told control: home region " + (r.netInfo() == null ? "none"
                        : r.netInfo().preferredDerp()) + ", " + r.endpoints().size() + " endpoints");
            } catch (IOException e) {
                reports.updateFailed();
                LOG.log(Level.DEBUG, "lite update failed; the next report or map request carries it", e);
            }
        }
    }

    private boolean selfExpired() {
        Node self = netmap.self().orElse(null);
        if (self == null) {
            return false;
        }
        Instant now = netmap.controlTime().orElseGet(Instant::now);
        return self.expired() || (self.keyExpiry() != null && !self.keyExpiry().isAfter(now)
                && self.keyExpiry().isAfter(Instant.EPOCH));
    }

    private void rotateNodeKey() throws StateException {
        previousNodeKey = identity.nodeKey();
        saveIdentity(identity.withNodeKey(PrivateKey.generate(KeyKind.NODE), false));
    }

    private MapRequest mapRequest(boolean stream, NetworkReports.Report report) {
        List<Magicsock.OwnEndpoint> eps = report.endpoints();
        return new MapRequest(ControlClient.CAPABILITY_VERSION, "zstd", stream,
                identity.nodeKey().publicKey().toString(), discoKey.publicKey().toString(), stream, !stream,
                hostinfo(report.netInfo()), eps.isEmpty() ? null : eps.stream().map(Magicsock.OwnEndpoint::text).toList(),
                eps.isEmpty() ? null : eps.stream().map(Magicsock.OwnEndpoint::type).toList());
    }

    private Hostinfo hostinfo() {
        return hostinfo(reports.latest().netInfo());
    }

    private Hostinfo hostinfo(Hostinfo.NetInfo netInfo) {
        List<Hostinfo.Service> services = dataplane.services();
        servicesTold = services;
        return new Hostinfo("microlink-java-" + Version.VERSION, "linux", System.getProperty("os.version"),
                config.hostname(), null, true, netInfo,
                config.advertisedRoutes().isEmpty() ? null : config.advertisedRoutes().stream().map(Object::toString).toList(),
                services.isEmpty() ? null : services);
    }

    /**
     * Logs the node key out at control. The loop thread notices (the stream breaks), drops
     * the key and waits for a new auth key; state changes stay on that one thread.
     */
    void logout() throws IOException {
        ControlClient c = client;
        if (c != null) {
            c.register(new RegisterRequest(ControlClient.CAPABILITY_VERSION, identity.nodeKey().publicKey().toString(),
                    ZERO_NODE_KEY, null, RegisterRequest.LOGOUT_TIME, "", hostinfo(), null));
        }
        loggedOut = true;
        dropClient();
    }

    void login(String newAuthKey) {
        newAuthKeys.add(newAuthKey);
    }

    private boolean awaitNewAuthKey() {
        try {
            String key = newAuthKeys.take();
            if (!running) {
                return false;
            }
            authKey = key;
            loggedOut = false;
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void saveIdentity(NodeIdentity next) throws StateException {
        store.save(next);
        identity = next;
    }

    private void dropClient() {
        ControlClient c = client;
        client = null;
        if (c != null) {
            c.close();
        }
    }

    private boolean sleep(Duration d) {
        try {
            TimeUnit.MILLISECONDS.sleep(d.toMillis());
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * Every distinct message along the cause chain (the JDK often leaves the outer one empty),
     * escaped: some quote what a server sent.
     */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
        }
        return sb.length() == 0 ? e.getClass().getSimpleName() : PeerText.forLog(sb.toString(), sb.length());
    }

    private void setState(NodeState next, String message) {
        state = next;
        detail = message;
        LOG.log(Level.INFO, "{0}: {1}", next, message);
        listener.stateChanged(next, message);
    }

    void stop() {
        running = false;
        newAuthKeys.add(""); // wake a loop waiting for a key
        dropClient();
        PeerCacheKeeper keeper = cacheKeeper;
        if (keeper != null) {
            keeper.close(); // the last look at the peers, while magicsock still counts them
        }
        dataplane.close();
    }

    /** The packet path this control session feeds with netmaps. */
    /** Netmaps from control applied since start (keep-alives and the peer cache's seed are not), for metrics. */
    long netmapUpdates() {
        return netmapUpdates.sum();
    }

    Dataplane dataplane() {
        return dataplane;
    }

    NodeState state() {
        return state;
    }

    String detail() {
        return detail;
    }

    Netmap netmap() {
        return netmap;
    }

    PublicKey nodeKey() {
        return identity == null ? null : identity.nodeKey().publicKey();
    }
}
