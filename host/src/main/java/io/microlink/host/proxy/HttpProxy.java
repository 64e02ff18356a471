package io.microlink.host.proxy;

import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.socket.StreamRelay;
import io.microlink.netstack.socket.TailnetDialer;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Objects;

/**
 * An HTTP proxy on a local address into the tailnet: CONNECT tunnels (RFC 9110 §9.3.6; what
 * clients use for https, and {@code curl -p} for anything) and plain {@code http://} requests
 * in absolute form ({@code curl -x} without {@code -p}), which are passed on in origin form
 * without the Proxy-* and hop-by-hop fields and with {@code Connection: close}: one request
 * per connection. Hosts are tailnet names (MagicDNS) or IPs the node routes (tailnet, accepted subnet
 * routes; with an exit node, any). With
 * credentials in its settings every request must carry them as {@code Proxy-Authorization: Basic}.
 *
 * <pre>{@code
 * try (HttpProxy proxy = HttpProxy.start(node::dial, ProxySettings.onPort(3128))) {
 *     // curl -x http://127.0.0.1:3128 http://laptop:8080/
 *     // or from Java: HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).build()
 *     ...
 * }
 * }</pre>
 *
 * Errors come back as HTTP responses: 400 for a malformed request, 405 for a request that is
 * neither CONNECT nor an {@code http://} URL, 407 (with {@code Proxy-Authenticate}) when the
 * credentials are missing or wrong, 408 when the head does not arrive within the
 * handshake timeout, 431 for a head over {@value #MAX_HEAD_BYTES} bytes (or a line over
 * {@value io.microlink.http.HttpHeadReader.Limits#DEFAULT_MAX_LINE_BYTES}, or more than
 * {@value io.microlink.http.HttpHeadReader.Limits#DEFAULT_MAX_FIELDS} fields), 502 when the host is not
 * in the tailnet or refuses, 503 when {@code maxConnections} are open, 504 when it does not answer.
 */
public final class HttpProxy implements Closeable {
    /** The longest request head accepted (request line and header fields). */
    public static final int MAX_HEAD_BYTES = 16 * 1024;

    private final TailnetDialer dialer;
    private final ProxySettings settings;
    private final ProxyListener listener;

    private HttpProxy(TailnetDialer dialer, ProxySettings settings) throws IOException {
        this.dialer = Objects.requireNonNull(dialer, "dialer");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = ProxyListener.start("http", settings, this::serve);
    }

    /**
     * Starts listening at once.
     *
     * @throws IOException if the local address cannot be bound (in use, say)
     */
    public static HttpProxy start(TailnetDialer dialer, ProxySettings settings) throws IOException {
        return new HttpProxy(dialer, settings);
    }

    /** The address it listens on, with the actual port when port 0 was asked for. */
    public InetSocketAddress address() {
        return listener.address();
    }

    /**
     * Clients turned away since start for want of a slot: closed unanswered (their address had
     * {@link ProxySettings#maxHandshakesPerSource()} in their handshake already, or the proxy was
     * full past its refusals) or answered with a refusal ({@code maxConnections} open).
     */
    public long refusedConnections() {
        return listener.refusedConnections();
    }

    /**
     * Clients since start whose handshake never went through: a greeting, credentials or request
     * the proxy refused, junk, a client that left, or one slower than the handshake timeout.
     */
    public long failedHandshakes() {
        return listener.failedHandshakes();
    }

    private void serve(ProxyClient c) throws IOException, InterruptedException {
        Socket client = c.socket();
        OutputStream out = client.getOutputStream();
        ProxyHttp.Head head;
        ProxyHttp.Request request;
        try {
            head = ProxyHttp.readHead(c.handshakeInput(), MAX_HEAD_BYTES);
            request = ProxyHttp.parse(head.request());
        } catch (ProxyHttp.HttpError e) {
            answer(c, e.status(), e.getMessage());
            return;
        } catch (SocketTimeoutException e) {
            answer(c, 408, e.getMessage());
            return;
        } catch (EOFException e) {
            return;
        }
        if (settings.credentials() != null && !ProxyHttp.authorized(request, settings.credentials())) {
            c.refused("gave no or a wrong username or password");
            out.write(ProxyHttp.authenticationRequired());
            return;
        }
        c.handshakeDone();
        if (!c.admitted()) {
            // The listener counts and logs it.
            out.write(ProxyHttp.errorResponse(503, "the proxy has " + settings.maxConnections()
                    + " connections open already"));
            return;
        }
        TailnetSocket remote;
        try {
            remote = dialer.dial(request.host(), request.port(), settings.connectTimeout());
        } catch (IOException | RuntimeException e) {
            DialFailure failure = DialFailure.of(e);
            answer(c, failure == DialFailure.TIMEOUT ? 504 : 502, failure.describe(request.host(), request.port(), e));
            return;
        }
        try {
            if (request.connect()) {
                out.write(ProxyHttp.CONNECTION_ESTABLISHED);
            } else {
                remote.getOutputStream().write(request.originHead());
            }
            // Whatever the client sent after its head (a TLS hello, a request body) goes first.
            remote.getOutputStream().write(head.rest());
        } catch (IOException e) {
            remote.close();
            throw e;
        }
        StreamRelay.run(StreamConnection.of(client), remote);
    }

    /** Refuses the request with {@code status}; the listener's rate-limited log has it. */
    private static void answer(ProxyClient c, int status, String message) throws IOException {
        c.refused(status + " " + message);
        c.socket().getOutputStream().write(ProxyHttp.errorResponse(status, message));
    }

    /** Stops listening and closes every open connection. */
    @Override
    public void close() {
        listener.close();
    }
}
