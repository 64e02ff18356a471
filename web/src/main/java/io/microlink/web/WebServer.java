package io.microlink.web;

import io.microlink.netstack.socket.StreamListener;
import io.microlink.web.http.HttpHandler;
import io.microlink.web.http.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The node's web page and JSON API, served on 127.0.0.1 and on the node's tailnet addresses.
 * Disabled in its options, it opens nothing and starts no thread. It serves one node: when its
 * host replaces the node (a restart), it closes this server and starts a new one.
 *
 * <pre>{@code
 * WebBackend backend = new NodeWebBackend(node, host);
 * try (WebServer web = WebServer.start(backend, WebOptions.from(store.load()))) {
 *     System.out.println("web page on http://127.0.0.1:" + web.localPort());
 *     ...
 * }
 * }</pre>
 */
public final class WebServer implements AutoCloseable {
    private static final int LOCAL_BACKLOG = 50;

    private final HttpServer http;
    private final int localPort;
    private final int tailnetPort;

    private WebServer(HttpServer http, int localPort, int tailnetPort) {
        this.http = http;
        this.localPort = localPort;
        this.tailnetPort = tailnetPort;
    }

    /**
     * Starts listening as {@code options} say.
     *
     * @throws BindException if a port is taken, with a message naming it
     * @throws IOException   if the tailnet port cannot be opened
     */
    public static WebServer start(WebBackend backend, WebOptions options) throws IOException {
        if (!options.enabled() || (options.localPort() == 0 && options.tailnetPort() == 0)) {
            return new WebServer(null, 0, 0);
        }
        WebApi api = new WebApi(backend);
        StaticAssets assets = StaticAssets.load();
        HttpServer http = new HttpServer(options.limits());
        try {
            if (options.localPort() != 0) {
                http.serve(StreamListener.of(bindLocal(options.localPort())), handler(Access.localhost(backend), api, assets));
            }
            if (options.tailnetPort() != 0) {
                http.serve(backend.listenOnTailnet(options.tailnetPort()),
                        handler(Access.tailnet(backend, options.guests()), api, assets));
            }
        } catch (IOException | RuntimeException e) {
            http.close();
            throw e;
        }
        return new WebServer(http, options.localPort(), options.tailnetPort());
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

    private static HttpHandler handler(Access access, WebApi api, StaticAssets assets) {
        return request -> {
            Access.Role role = access.authorize(request);
            return request.path().startsWith("/api/") ? api.handle(request, role) : assets.serve(request);
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

    /** The port on the tailnet addresses, or 0 for none. */
    public int tailnetPort() {
        return tailnetPort;
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
    }
}
