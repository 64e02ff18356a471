package io.microlink.daemon.lopower;

import io.microlink.NodeListener;
import io.microlink.TailnetNode;
import io.microlink.daemon.cli.CliException;
import io.microlink.host.settings.NodeSettings;
import io.microlink.lopower.BridgeNetwork;
import io.microlink.lopower.DeviceRoutes;
import io.microlink.lopower.LopowerBridge;
import io.microlink.lopower.LopowerException;
import io.microlink.web.WebServer;
import io.microlink.web.WebToken;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code microlink lopower start}: the bridge's tailnet node (its own identity, in
 * {@code DIR/node}) and the bridge, until SIGTERM or SIGINT.
 *
 * @param dir          the bridge's state directory
 * @param network      the device side asked for, or null for what the directory holds
 * @param controlUrl   the control server, or null for Tailscale's
 * @param authKey      a pre-auth key, or null to log in through a URL (printed)
 * @param hostname     the bridge's name on the tailnet
 * @param dnsUpstreams resolvers for the devices' names the tailnet's DNS config sends nowhere
 * @param plainHttpDerp reach DERP over plain HTTP (test tailnets only)
 * @param webPort      the port on 127.0.0.1 of the web page with the Devices view, 0 for none
 * @param deviceRoutes advertise the device prefixes as the node's subnet routes ({@link DeviceRoutes})
 */
public record BridgeRunner(Path dir, BridgeNetwork network, String controlUrl, String authKey, String hostname,
                           List<InetSocketAddress> dnsUpstreams, boolean plainHttpDerp, int webPort,
                           boolean deviceRoutes) {
    private static final System.Logger LOG = System.getLogger("io.microlink.lopower");
    private static final long STOP_WAIT_SECONDS = 20;

    /**
     * The bridge's node as the flags describe it; Tailscale's control server unless --login-server.
     *
     * @param routes the device routes it advertises, or null for none
     */
    TailnetNode.Builder node(DeviceRoutes routes) {
        TailnetNode.Builder b = TailnetNode.builder().hostname(hostname).stateDirectory(dir.resolve("node"))
                .authKey(authKey).controlUrl(controlUrl != null ? controlUrl : NodeSettings.DEFAULT_CONTROL_URL);
        if (plainHttpDerp) {
            b.plainHttpDerpForTesting();
        }
        return routes == null ? b : routes.advertiseOn(b);
    }

    /** The device routes the flags ask for, made from the directory, or null. */
    DeviceRoutes routes() throws LopowerException {
        return deviceRoutes ? DeviceRoutes.of(dir, network) : null;
    }

    public int run(PrintStream out) throws CliException, InterruptedException {
        DeviceRoutes routes;
        try {
            routes = routes();
        } catch (LopowerException e) {
            throw new CliException(e.getMessage());
        }
        TailnetNode.Builder b = node(routes);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // The JVM exits once its shutdown hooks return: this one waits (bounded) until the bridge
        // and the node are closed, so devices and control see an orderly stop.
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lopower-shutdown");
        try (TailnetNode node = b.build()) {
            // The node logs its own state changes; a login URL is for the person at the terminal.
            node.addListener(new NodeListener() {
                @Override
                public void loginUrl(String url) {
                    out.println("To log the bridge in, visit: " + url);
                }
            });
            // The WireGuard port first: a bridge that cannot serve its devices should not join the tailnet.
            try (LopowerBridge bridge = LopowerBridge.start(dir, network, node, dnsUpstreams, routes)) {
                Runtime.getRuntime().addShutdownHook(hook);
                node.start();
                if (routes != null) {
                    out.println("lopower: advertising the device routes " + String.join(", ", routes.prefixes())
                            + "; they carry traffic once control approves them (headscale: nodes approve-routes)");
                }
                LOG.log(Level.INFO, "lopower: WireGuard on UDP port {0}, public key {1}, {2} devices",
                        String.valueOf(bridge.port()), bridge.enrollment().bridgePublicKey(),
                        String.valueOf(bridge.enrollment().list().size()));
                try (WebServer page = webPort == 0 ? null : BridgePage.start(dir, node, bridge, webPort)) {
                    if (page != null) {
                        // The link's token stays in its owner-only file, out of logs and terminals' scrollback.
                        out.println("lopower: devices page on 127.0.0.1:" + webPort + "; open http://127.0.0.1:"
                                + webPort + "/devices?token=$(cat " + dir.resolve(WebToken.FILE_NAME) + ")");
                    }
                    stop.await();
                }
                // On stdout: java.util.logging has stopped by now (its own shutdown hook).
                out.println("lopower: stopping; counters " + bridge.counters());
            }
        } catch (LopowerException e) {
            throw new CliException(e.getMessage());
        } finally {
            stopped.countDown();
        }
        return 0;
    }
}
