package io.microlink.daemon;

import io.microlink.TailnetNode;
import io.microlink.host.proxy.HttpProxy;
import io.microlink.host.proxy.ProxySettings;
import io.microlink.host.proxy.Socks5Proxy;
import io.microlink.host.settings.NodeSettings;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * The daemon's SOCKS5 and HTTP proxies on 127.0.0.1 (settings {@code socks5Port} and
 * {@code httpProxyPort}, off by default; {@code proxyUsername} and {@code proxyPassword} for
 * both), which lead programs into the tailnet through the running node. They live with the
 * node: started when it starts in userspace mode, restarted when their port or credentials
 * change, stopped with it. In TUN mode the OS reaches the tailnet itself and the node has no
 * socket API to dial with, so they stay off and say so once.
 */
public final class LocalProxies implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.microlink.daemon");

    /** Starts one kind of proxy: its handle and the address it listens on. */
    private interface Starter {
        Running start(TailnetNode node, ProxySettings settings) throws IOException;
    }

    private record Running(Closeable proxy, InetSocketAddress address) {}

    /** One proxy's place: the port asked for, and the proxy on it or why there is none. */
    private static final class Slot {
        final String kind;
        final Starter starter;
        int port;
        /** The credentials the running proxy asks for; kept to notice a change, never shown. */
        String username;
        String password;
        Running running;
        String problem;

        Slot(String kind, Starter starter) {
            this.kind = kind;
            this.starter = starter;
        }

        void apply(TailnetNode node, int wanted, NodeSettings settings, String cannotRun) {
            if (running != null && wanted == port && cannotRun == null
                    && Objects.equals(username, settings.proxyUsername())
                    && Objects.equals(password, settings.proxyPassword())) {
                return;
            }
            stop();
            port = wanted;
            username = settings.proxyUsername();
            password = settings.proxyPassword();
            problem = wanted == 0 ? null : cannotRun;
            if (wanted == 0 || cannotRun != null) {
                return;
            }
            try {
                running = starter.start(node, ProxySettings.onPort(wanted).withCredentials(settings.proxyCredentials()));
            } catch (IOException e) {
                problem = "cannot listen on 127.0.0.1:" + wanted + ": " + e.getMessage();
                LOG.log(Level.WARNING, "{0} proxy: {1}; change it with `microlink up --{2}-port PORT` (0: off)", kind,
                        problem, kind.equals("socks5") ? "socks5" : "http-proxy");
            }
        }

        void stop() {
            if (running != null) {
                try {
                    running.proxy.close();
                    LOG.log(Level.INFO, "{0} proxy on {1} stopped", kind, state().address());
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "{0} proxy: closing: {1}", kind, e.getMessage());
                }
                running = null;
            }
        }

        Proxy state() {
            return new Proxy(kind, port, running == null ? null
                    : running.address.getAddress().getHostAddress() + ":" + running.address.getPort(), problem,
                    username != null);
        }
    }

    /**
     * What one proxy does now, for {@code status}.
     *
     * @param kind    {@code socks5} or {@code http}
     * @param port    the port the settings ask for; 0 when off
     * @param address where it listens, {@code 127.0.0.1:1055}; null when it does not run
     * @param problem why it does not run although a port is set; null otherwise
     * @param authentication whether clients must give the username and password
     */
    public record Proxy(String kind, int port, String address, String problem, boolean authentication) {}

    private final Slot socks5 = new Slot("socks5", (node, s) -> {
        Socks5Proxy p = Socks5Proxy.start(node::dial, s);
        return new Running(p, p.address());
    });
    private final Slot http = new Slot("http", (node, s) -> {
        HttpProxy p = HttpProxy.start(node::dial, s);
        return new Running(p, p.address());
    });
    private TailnetNode node;

    /**
     * Brings the proxies in line with the settings and the node: {@code node} null when the node
     * is down. A proxy moves only when its port or the node changed.
     */
    synchronized void apply(TailnetNode next, NodeSettings settings) {
        if (next != node) {
            stopAll();
            node = next;
            if (next != null && next.tunInterface().isPresent() && (settings.socks5Port() != 0
                    || settings.httpProxyPort() != 0)) {
                LOG.log(Level.INFO, "TUN mode: the SOCKS5 and HTTP proxies stay off; programs reach the tailnet"
                        + " through {0} directly", next.tunInterface().get());
            }
        }
        String cannotRun = next == null ? "not running while microlink is down"
                : next.tunInterface().isPresent() ? "off in TUN mode: programs reach the tailnet directly" : null;
        socks5.apply(next, settings.socks5Port(), settings, cannotRun);
        http.apply(next, settings.httpProxyPort(), settings, cannotRun);
    }

    synchronized List<Proxy> state() {
        return List.of(socks5.state(), http.state());
    }

    private void stopAll() {
        socks5.stop();
        http.stop();
    }

    @Override
    public synchronized void close() {
        stopAll();
        node = null;
    }
}
