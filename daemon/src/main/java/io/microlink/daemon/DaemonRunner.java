package io.microlink.daemon;

import io.microlink.Version;
import io.microlink.daemon.api.ApiServer;
import io.microlink.daemon.api.Method;
import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Context;
import io.microlink.host.settings.DebugFlag;
import io.microlink.host.settings.DeviceName;
import io.microlink.host.settings.NodeSettings;
import io.microlink.host.settings.SettingsStore;
import io.microlink.outbound.ProxyRules;
import io.microlink.state.PrivateFiles;
import io.microlink.StateException;
import io.microlink.state.StateStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@code daemon} verb's life: take the state directory (one daemon each), check its files,
 * open the local API, run the node (with its local proxies and served ports), and on
 * SIGTERM/SIGINT or a {@code shutdown} request stop everything in order and remove the socket.
 */
public final class DaemonRunner {
    private static final System.Logger LOG = System.getLogger("io.microlink.daemon");
    /** Only test tailnets on loopback serve DERP over plain HTTP; like tailscaled's TS_DEBUG_USE_DERP_HTTP. */
    static final String PLAIN_HTTP_DERP_ENV = "MICROLINK_DEBUG_USE_DERP_HTTP";
    private static final long STOP_WAIT_SECONDS = 20;

    private final Context context;
    private final String tunDevice;
    private final String outboundProxy;
    private final boolean derpWebSocket;
    private final UplinkOptions uplinks;

    /**
     * @param tunDevice     the TUN device for TUN mode, already checked; null for userspace networking
     * @param outboundProxy {@code --outbound-proxy}, already checked: a proxy URL or "direct"; null to
     *                      follow the environment's HTTPS_PROXY/HTTP_PROXY/NO_PROXY
     * @param uplinks       {@code --uplinks} and its timings, already checked
     * @param derpWebSocket {@code --derp-websocket}: always reach DERP relays through a WebSocket
     */
    public DaemonRunner(Context context, String tunDevice, String outboundProxy, UplinkOptions uplinks,
                        boolean derpWebSocket) {
        this.context = context;
        this.tunDevice = tunDevice;
        this.outboundProxy = outboundProxy;
        this.uplinks = uplinks;
        this.derpWebSocket = derpWebSocket;
    }

    public int run(Map<String, Method> methods) throws CliException, InterruptedException {
        Path dir = context.stateDir();
        try {
            PrivateFiles.createPrivateDirectory(dir);
        } catch (IOException e) {
            throw new CliException("cannot create the state directory " + dir + ": " + e.getMessage(),
                    CliException.BAD_STATE);
        }
        DaemonLock lock;
        try {
            lock = DaemonLock.acquire(dir);
        } catch (DaemonLock.HeldException e) {
            throw new CliException("another microlink daemon (pid " + e.pid() + ") is already running on " + dir
                    + "; stop it first, or give this one its own --state-dir", CliException.BAD_STATE);
        } catch (IOException e) {
            throw new CliException("cannot lock the state directory " + dir + ": " + e.getMessage(),
                    CliException.BAD_STATE);
        }
        try (lock) {
            NodeSettings settings = checkedSettings(dir);
            DaemonLogging.install(settings.debug().contains(DebugFlag.VERBOSE));
            boolean plainHttpDerp = "1".equals(context.io().env().get(PLAIN_HTTP_DERP_ENV));
            if (plainHttpDerp) {
                LOG.log(Level.WARNING, "{0}=1: DERP relays are reached over plain HTTP (test tailnets only)",
                        PLAIN_HTTP_DERP_ENV);
            }
            logProxyRules();
            Daemon daemon = new Daemon(dir, settings, DeviceName.machineSuffix(), tunDevice, plainHttpDerp,
                    derpWebSocket, outboundProxy, uplinks);
            ApiServer server;
            try {
                server = ApiServer.start(context.socket(), methods, daemon);
            } catch (IOException e) {
                throw new CliException(e.getMessage(), CliException.BAD_STATE);
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                daemon.requestShutdown();
                try {
                    stopped.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "microlink-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                LOG.log(Level.INFO, "microlink {0} daemon: state directory {1}, socket {2}, device {3}",
                        Version.VERSION, dir, server.socket(), daemon.deviceName());
                try {
                    daemon.start();
                } catch (StateException e) {
                    throw badState(e);
                }
                if (!settings.wantRunning()) {
                    LOG.log(Level.INFO, "the node is down; `microlink up` connects it");
                }
                daemon.awaitShutdown();
                LOG.log(Level.INFO, "stopping");
            } finally {
                server.close();
                daemon.close();
                stopped.countDown();
            }
            return 0;
        }
    }

    /** The settings, after making sure the state directory's files are readable. */
    private NodeSettings checkedSettings(Path dir) throws CliException {
        try {
            NodeSettings settings = new SettingsStore(dir).load();
            new StateStore(dir).load();
            return settings;
        } catch (StateException e) {
            throw badState(e);
        }
    }

    private CliException badState(StateException e) {
        return new CliException(e.getMessage() + "\nmicrolink daemon: to start over as a new device, run `microlink"
                + " reset --yes --state-dir " + context.stateDir() + "` (erases keys and settings)",
                CliException.BAD_STATE);
    }

    /**
     * Says which proxy control and DERP go through (never its password), and refuses a proxy
     * variable that is no usable URL here, once, rather than at every start of the node.
     */
    private void logProxyRules() throws CliException {
        ProxyRules rules;
        try {
            rules = ProxyRules.of(outboundProxy, context.io().env());
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.FAILED);
        }
        if (rules.any()) {
            LOG.log(Level.INFO, "control and DERP go through the outbound proxy {0}", rules);
        }
    }
}
