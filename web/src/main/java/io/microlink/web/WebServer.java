package io.microlink.web;

import io.microlink.netstack.socket.StreamListener;
import io.microlink.web.http.HttpException;
import io.microlink.web.http.HttpHandler;
import io.microlink.web.http.HttpResponse;
import io.microlink.web.http.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;

/**
 * The node's web page and JSON API, served on 127.0.0.1 and on the node's tailnet addresses.
 * Disabled in its options, it opens nothing and starts no thread. It serves one node: when its
 * host replaces the node (a restart), it closes this server and starts a new one.
 *
 * <pre>{@code
 * WebBackend backend = new NodeWebBackend(node, host);
 * try (WebServer web = WebServer.start(backend, WebOptions.from(store.load(), WebToken.inDirectory(stateDir)))) {
 *     System.out.println("web page on " + web.localUrl().orElse("(tailnet only)"));
 *     ...
 * }
 * }</pre>
 */
public final class WebServer implements AutoCloseable {
    private static final int LOCAL_BACKLOG = 50;

    private final HttpServer http;
    /** Stops the traffic history's sampling. */
    private final Runnable stopSampling;
    private final int localPort;
    private final int tailnetPort;
    private final WebToken localToken;

    private WebServer(HttpServer http, Runnable stopSampling, int localPort, int tailnetPort, WebToken localToken) {
        this.http = http;
        this.stopSampling = stopSampling;
        this.localPort = localPort;
        this.tailnetPort = tailnetPort;
        this.localToken = localToken;
    }

    /**
     * Starts listening as {@code options} say.
     *
     * @throws BindException if a port is taken, with a message naming it
     * @throws IOException   if the tailnet port cannot be opened
     */
    public static WebServer start(WebBackend backend, WebOptions options) throws IOException {
        if (!options.enabled() || (options.localPort() == 0 && options.tailnetPort() == 0)) {
            return new WebServer(null, () -> {}, 0, 0, options.localToken());
        }
        TrafficHistory history = new TrafficHistory();
        MetricsPage metrics = new MetricsPage(backend);
        StaticAssets assets = StaticAssets.load();
        HttpServer http = new HttpServer(options.limits());
        try {
            if (options.localPort() != 0) {
                LocalLogin login = new LocalLogin(options.localToken(), options.localPort());
                // Devices' configurations hold private keys: their API is the local page's alone.
                Pages pages = new Pages(new WebApi(backend, backend.devices().orElse(null), history), metrics, assets);
                http.serve(StreamListener.of(bindLocal(options.localPort())),
                        handler(Access.localhost(backend, login), login, pages, true), login::provesOwner);
            }
            if (options.tailnetPort() != 0) {
                Pages pages = new Pages(new WebApi(backend, null, history), metrics, assets);
                http.serve(backend.listenOnTailnet(options.tailnetPort()),
                        handler(Access.tailnet(backend, options.guests()), null, pages, options.metricsOnTailnet()));
            }
        } catch (IOException | RuntimeException e) {
            http.close();
            throw e;
        }
        return new WebServer(http, history.startSampling(backend), options.localPort(), options.tailnetPort(),
                options.localToken());
    }

    private static ServerSocket bindLocal(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), LOCAL_BACKLOG);
            return socket;
        } catch (IOException e) {
            socket.close();
            BindException b = new BindException("cannot serve the web page on 127.0.0.1:" + port + ": " + e.getMessage());
            b.initCause(e);
            throw b;
        }
    }

    /** What one listener serves, by path. */
    private record Pages(WebApi api, MetricsPage metrics, StaticAssets assets) {}

    /**
     * @param login   the local listener's token check; null on the tailnet
     * @param metrics whether this listener serves {@code /metrics}
     */
    private static HttpHandler handler(Access access, LocalLogin login, Pages pages, boolean metrics) {
        return request -> {
            Access.Role role;
            if (login == null) {
                role = access.authorize(request);
            } else {
                access.checkHost(request);
                Optional<HttpResponse> exchanged = login.exchange(request);
                if (exchanged.isPresent()) {
                    return exchanged.get();
                }
                try {
                    role = access.authorize(request);
                } catch (HttpException e) {
                    if (e.status() == 401) {
                        return login.refusal(request);
                    }
                    throw e;
                }
            }
            if (request.path().equals(MetricsPage.PATH)) {
                if (!metrics) {
                    throw new HttpException(404,
                            "metrics are served on the tailnet only with the setting webMetricsOnTailnet");
                }
                return pages.metrics().handle(request);
            }
            return request.path().startsWith("/api/") ? pages.api().handle(request, role)
                    : pages.assets().serve(request);
        };
    }

    /** Whether anything is served (false when disabled). */
    public boolean running() {
        return http != null;
    }

    /** The port on 127.0.0.1, or 0 for none. */
    public int localPort() {
        return localPort;
    }

    /**
     * The local page's address with its token ({@code http://127.0.0.1:PORT/?token=...}), for
     * its owner only (the token is a secret); empty when nothing is served on 127.0.0.1.
     */
    public Optional<String> localUrl() {
        if (http == null || localPort == 0) {
            return Optional.empty();
        }
        return Optional.of("http://127.0.0.1:" + localPort + "/?" + LocalLogin.TOKEN_PARAMETER + "="
                + localToken.text());
    }

    /** The port on the tailnet addresses, or 0 for none. */
    public int tailnetPort() {
        return tailnetPort;
    }

    /**
     * Connections refused on arrival or displaced for want of a slot, on both listeners since
     * start (0 when nothing is served): how much of a flood the limits turned away.
     */
    public long refusedConnections() {
        return http == null ? 0 : http.refusedConnections();
    }

    /** Requests refused before any page saw them (malformed, oversized, too slow), on both listeners since start. */
    public long refusedRequests() {
        return http == null ? 0 : http.refusedRequests();
    }

    @Override
    public void close() {
        stopSampling.run();
        if (http != null) {
            http.close();
        }
    }
}
