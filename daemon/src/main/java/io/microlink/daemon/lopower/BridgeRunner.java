package io.microlink.daemon.lopower;

import io.microlink.NodeListener;
import io.microlink.NodeState;
import io.microlink.TailnetNode;
import io.microlink.daemon.cli.CliException;
import io.microlink.lopower.BridgeNetwork;
import io.microlink.lopower.LopowerBridge;
import io.microlink.lopower.LopowerException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code microlink lopower start}: the bridge's tailnet node (its own identity, in
 * {@code DIR/node}) and the bridge, until SIGTERM or SIGINT.
 *
 * @param dir          the bridge's state directory
 * @param network      the device side asked for, or null for what the directory holds
 * @param controlUrl   the control server, or null for Tailscale's
 * @param authKey      a pre-auth key, or null to log in through a URL (printed)
 * @param hostname     the bridge's name on the tailnet
 * @param plainHttpDerp reach DERP over plain HTTP (test tailnets only)
 */
public record BridgeRunner(Path dir, BridgeNetwork network, String controlUrl, String authKey, String hostname,
                           boolean plainHttpDerp) {
    private static final System.Logger LOG = System.getLogger("io.microlink.lopower");

    public int run(PrintStream out) throws CliException, InterruptedException {
        TailnetNode.Builder b = TailnetNode.builder().hostname(hostname).stateDirectory(dir.resolve("node"))
                .authKey(authKey);
        if (controlUrl != null) {
            b.controlUrl(controlUrl);
        }
        if (plainHttpDerp) {
            b.plainHttpDerpForTesting();
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (TailnetNode node = b.build()) {
            node.addListener(new NodeListener() {
                @Override
                public void stateChanged(NodeState state, String detail) {
                    LOG.log(Level.INFO, "tailnet node: {0} {1}", state, detail == null ? "" : detail);
                }

                @Override
                public void loginUrl(String url) {
                    out.println("To log the bridge in, visit: " + url);
                }
            });
            // The WireGuard port first: a bridge that cannot serve its devices should not join the tailnet.
            try (LopowerBridge bridge = LopowerBridge.start(dir, network, node)) {
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "lopower-shutdown"));
                node.start();
                LOG.log(Level.INFO, "lopower: WireGuard on UDP port {0}, public key {1}, {2} devices",
                        String.valueOf(bridge.port()), bridge.enrollment().bridgePublicKey(),
                        String.valueOf(bridge.enrollment().list().size()));
                stop.await();
                LOG.log(Level.INFO, "lopower: stopping; counters {0}", bridge.counters());
            }
        } catch (LopowerException e) {
            throw new CliException(e.getMessage());
        }
        return 0;
    }
}
