package io.microlink.daemon.lopower;

import io.microlink.StateException;
import io.microlink.TailnetNode;
import io.microlink.daemon.cli.CliException;
import io.microlink.host.settings.NodeSettings;
import io.microlink.lopower.LopowerBridge;
import io.microlink.web.GuestAccess;
import io.microlink.web.NodeHost;
import io.microlink.web.NodeWebBackend;
import io.microlink.web.WebOptions;
import io.microlink.web.WebServer;
import io.microlink.web.WebToken;
import io.microlink.web.http.HttpServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code lopower start --web-port}: the bridge node's web page with its Devices view, on
 * 127.0.0.1 only (a device's configuration may hold its private key, so nothing of it is served
 * on the tailnet), opened with the token in the bridge's directory as the daemon's page is. The
 * bridge's node takes its settings from the command line, so the page shows them and saves none.
 */
public final class BridgePage {
    private BridgePage() {}

    /**
     * Serves the page of {@code node} with the Devices view of {@code bridge} on 127.0.0.1:{@code port}.
     *
     * @throws CliException when the port is taken or the token cannot be kept in {@code dir}
     */
    public static WebServer start(Path dir, TailnetNode node, LopowerBridge bridge, int port) throws CliException {
        NodeHost fromFlags = new NodeHost() {
            @Override
            public NodeSettings settings() {
                return NodeSettings.defaults();
            }

            @Override
            public void save(NodeSettings next) throws StateException {
                throw new StateException("the bridge's node takes its settings from `microlink lopower start`'s"
                        + " flags; restart it with others");
            }

            @Override
            public Set<NodeSettings.Field> waitingForRestart() {
                return Set.of();
            }

            @Override
            public void restart() {
                // nothing to rebuild from: see save
            }
        };
        try {
            WebOptions options = new WebOptions(true, 0, port, GuestAccess.NONE, HttpServer.Limits.DEFAULT,
                    WebToken.inDirectory(dir));
            return WebServer.start(new NodeWebBackend(node, fromFlags, new BridgeDevices(bridge)), options);
        } catch (IOException e) { // StateException (the token) included
            throw new CliException(e.getMessage());
        }
    }
}
