package io.microlink.daemon;

import io.microlink.TailnetNode;
import io.microlink.host.settings.NodeSettings;
import io.microlink.StateException;
import io.microlink.web.NodeHost;
import io.microlink.web.NodeWebBackend;
import io.microlink.web.WebOptions;
import io.microlink.web.WebServer;
import io.microlink.web.WebToken;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;
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
            WebOptions options = WebOptions.from(settings, WebToken.inDirectory(daemon.stateDir()));
            if (node.tunInterface().isPresent() && options.enabled() && options.tailnetPort() != 0) {
                // The node has no listener of its own in TUN mode (the OS owns its addresses): local page only.
                LOG.log(Level.INFO, "TUN mode: the web page is served on 127.0.0.1 only, not on the tailnet");
                options = options.localOnly();
            }
            web.server = WebServer.start(new NodeWebBackend(node, web), options);
            if (web.server.running()) {
                LOG.log(Level.INFO, "web page on 127.0.0.1:{0} (`microlink web` prints its link) and tailnet port {1}",
                        options.localPort() == 0 ? "(none)" : Integer.toString(options.localPort()),
                        options.tailnetPort() == 0 ? "(none)" : Integer.toString(options.tailnetPort()));
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "the web page is not served: " + e.getMessage()
                    + "; change webPort/webLocalPort in the settings, or free the port, and restart");
        }
        return web;
    }

    /** The local page's link with its token; empty when the page is not served on 127.0.0.1. */
    Optional<String> localUrl() {
        return server == null ? Optional.empty() : server.localUrl();
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
