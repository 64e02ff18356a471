package io.microlink.daemon;

import io.microlink.TailnetNode;
import io.microlink.state.NodeSettings;
import io.microlink.state.StateException;
import io.microlink.web.NodeHost;
import io.microlink.web.NodeWebBackend;
import io.microlink.web.WebOptions;
import io.microlink.web.WebServer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Set;

/**
 * The running node's web page: started with the node, closed before it. Settings and restarts
 * from the page go through the {@link Daemon}, the one owner of node and settings. A port that
 * cannot be opened is logged and leaves the node running without its page.
 */
final class DaemonWeb implements NodeHost, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.daemon");

    private final Daemon daemon;
    private WebServer server;

    private DaemonWeb(Daemon daemon) {
        this.daemon = daemon;
    }

    /** Serves the page of {@code node} as {@code settings} say (nothing when the web page is off). */
    static DaemonWeb start(Daemon daemon, TailnetNode node, NodeSettings settings) {
        DaemonWeb web = new DaemonWeb(daemon);
        try {
            web.server = WebServer.start(new NodeWebBackend(node, web), WebOptions.from(settings));
            if (web.server.running()) {
                LOG.log(Level.INFO, "web page on 127.0.0.1:{0} and tailnet port {1}",
                        settings.webLocalPort() == 0 ? "(none)" : Integer.toString(settings.webLocalPort()),
                        Integer.toString(settings.webPort()));
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "the web page is not served: " + e.getMessage()
                    + "; change webPort/webLocalPort in the settings, or free the port, and restart");
        }
        return web;
    }

    @Override
    public NodeSettings settings() {
        return daemon.settings();
    }

    @Override
    public void save(NodeSettings next) throws StateException {
        daemon.saveKeepingNode(next);
    }

    @Override
    public Set<NodeSettings.Field> waitingForRestart() {
        return daemon.waitingForRestart();
    }

    @Override
    public void restart() {
        daemon.restartNode();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
