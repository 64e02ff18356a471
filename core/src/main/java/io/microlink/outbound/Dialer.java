package io.microlink.outbound;

import io.microlink.http.HttpHead;
import io.microlink.http.HttpHeadException;
import io.microlink.http.HttpHeadReader;
import io.microlink.http.PeerText;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Opens the TCP connections to control and to DERP relays: direct, or through an HTTP proxy's
 * {@code CONNECT} tunnel (RFC 9110 §9.3.6) or a SOCKS5 proxy's ({@link Socks5Tunnel}) when the
 * {@link ProxyRules} name one for the target; to an {@code https://} proxy the {@code CONNECT}
 * goes inside TLS to the proxy itself ({@link ProxyTls}), checked with the node's TLS context.
 * Either way the caller gets a connected socket to speak its own protocol on (TLS, the ts2021 or
 * DERP upgrade); through an HTTP(S) or {@code socks5h://} proxy the proxy resolves the target's
 * name, so a host that can reach only the proxy needs no DNS of its own.
 *
 * <p>The proxy's reply head is read with the shared {@link HttpHeadReader} under a small limit,
 * within the connect timeout as a whole ({@link ExchangeDeadline}, which covers the TLS handshake
 * to an {@code https://} proxy too), and not one byte past it, so a hostile or broken proxy can
 * neither grow memory nor hang the caller; every failure is one {@link ProxyException} line that
 * names the proxy (never its password) and what to check.
 */
public final class Dialer {
    /** A proxy's reply to CONNECT is a status line and a few fields; 8 KiB is generous. */
    static final HttpHeadReader.Limits REPLY_LIMITS = HttpHeadReader.Limits.of(8 * 1024);
    /** With no timeout given, a silent proxy must still not hold the caller forever. */
    private static final int DEFAULT_TIMEOUT_MS = 15_000;
    private static final Dialer DIRECT = new Dialer(ProxyRules.direct());

    private final ProxyRules rules;
    private final Preparer preparer;
    /** Trust for {@code https://} proxies; null: the JVM's default, looked up when first needed. */
    private final SSLContext proxyTls;

    /** Readies each new socket before it connects (e.g. binds it to the active uplink's interface). */
    @FunctionalInterface
    public interface Preparer {
        /**
         * Readies {@code unconnected}.
         *
         * @param unconnected the socket about to connect
         * @throws IOException if it cannot be readied: the connect fails with it
         */
        void prepare(Socket unconnected) throws IOException;
    }

    /**
     * A dialer that follows {@code rules}.
     *
     * @param rules which proxy, if any, each target goes through
     */
    public Dialer(ProxyRules rules) {
        this(rules, s -> { });
    }

    /**
     * A dialer that follows {@code rules} and hands each socket to {@code preparer} before it connects.
     *
     * @param rules    which proxy, if any, each target goes through
     * @param preparer readies each socket
     */
    public Dialer(ProxyRules rules, Preparer preparer) {
        this(rules, preparer, null);
    }

    /**
     * A dialer that follows {@code rules}, readies each socket with {@code preparer} and checks an
     * {@code https://} proxy's certificate with {@code proxyTls}.
     *
     * @param rules    which proxy, if any, each target goes through
     * @param preparer readies each socket
     * @param proxyTls the trust for {@code https://} proxies (the node's TLS context), or null for
     *                 the JVM's default
     */
    public Dialer(ProxyRules rules, Preparer preparer, SSLContext proxyTls) {
        this.rules = rules;
        this.preparer = preparer;
        this.proxyTls = proxyTls;
    }

    /**
     * A dialer that connects without any proxy.
     *
     * @return a dialer that connects without any proxy
     */
    public static Dialer direct() {
        return DIRECT;
    }

    /**
     * The rules this dialer follows.
     *
     * @return the rules this dialer follows
     */
    public ProxyRules rules() {
        return rules;
    }

    /**
     * A connected socket to {@code host:port}.
     *
     * @param hostOrLiteral a host name or IP literal, an IPv6 one with or without brackets
     * @param scheme    {@code https} or {@code http}: the URL scheme the connection serves, which
     *                  picks the proxy as {@code HTTPS_PROXY}/{@code HTTP_PROXY} do
     * @param resolved  where to connect when going direct (an address the caller resolved), or
     *                  null to resolve {@code host} here; unused through a proxy (a
     *                  {@code socks5://} proxy's target is resolved here, by name)
     * @param port      the target's TCP port
     * @param timeoutMs for the TCP connect and, through a proxy, for its reply (with the TLS
     *                  handshake to an {@code https://} proxy); 0: a default
     * @return the connected socket, its read timeout as a new socket's (through an {@code https://}
     *         proxy a TLS socket, to speak the target's protocol inside)
     * @throws ProxyException when the proxy cannot be reached or opens no tunnel
     * @throws IOException    when the target cannot be reached directly
     */
    public Socket connect(String scheme, String hostOrLiteral, int port, InetAddress resolved, int timeoutMs)
            throws IOException {
        // URI.getHost() keeps an IPv6 literal's brackets; the proxy rules and CONNECT want it bare.
        String host = hostOrLiteral.startsWith("[") && hostOrLiteral.endsWith("]")
                ? hostOrLiteral.substring(1, hostOrLiteral.length() - 1) : hostOrLiteral;
        OutboundProxy proxy = rules.proxyFor(scheme, host, port);
        if (proxy != null) {
            requireHostName(host);
        }
        int timeout = timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS;
        Socket s = new Socket();
        try {
            preparer.prepare(s);
            if (proxy == null) {
                s.connect(resolved != null ? new InetSocketAddress(resolved, port) : new InetSocketAddress(host, port),
                        timeout);
                return s;
            }
            try {
                s.connect(new InetSocketAddress(proxy.host(), proxy.port()), timeout);
            } catch (IOException e) {
                throw new ProxyException("cannot reach the outbound proxy " + proxy + ": " + reason(e), 0, e);
            }
            if (proxy.kind().socks()) {
                Socks5Tunnel.open(s, proxy, host, port, timeout);
                return s;
            }
            return tunnel(s, proxy, proxy.kind() == OutboundProxy.Kind.HTTPS ? tls() : null, host, port, timeout);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Asks the proxy on {@code s} for a tunnel to {@code host:port} (checked by {@link #requireHostName})
     * and reads its answer, after TLS to the proxy when {@code tls} is given; the whole exchange,
     * handshake included, within {@code timeoutMs}.
     *
     * @return the socket the tunnel's bytes flow on: {@code s}, or the TLS socket over it
     */
    static Socket tunnel(Socket s, OutboundProxy proxy, SSLContext tls, String host, int port, int timeoutMs)
            throws IOException {
        String target = OutboundProxy.authority(host, port);
        StringBuilder request = new StringBuilder("CONNECT ").append(target).append(" HTTP/1.1\r\nHost: ")
                .append(target).append("\r\n");
        if (proxy.hasCredentials()) {
            request.append("Proxy-Authorization: ").append(proxy.authorization()).append("\r\n");
        }
        byte[] head = request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        int previous = s.getSoTimeout();
        s.setSoTimeout(timeoutMs);
        Socket[] carrier = {null};
        HttpHead.Status reply;
        try {
            // The read timeout bounds each read, the deadline the whole exchange: a proxy that
            // trickles its handshake or its head a byte at a time cannot hold the caller either.
            // The deadline closes the plain socket, which ends a read blocked in the TLS one too.
            reply = ExchangeDeadline.run(s, Duration.ofMillis(timeoutMs), () -> {
                carrier[0] = tls == null ? s : ProxyTls.start(s, proxy, tls);
                OutputStream out = carrier[0].getOutputStream();
                out.write(head);
                out.flush();
                // Byte by byte from the socket: whatever follows the head is the tunnel's, not ours.
                return HttpHeadReader.readStatus(carrier[0].getInputStream(), REPLY_LIMITS);
            });
        } catch (SocketTimeoutException e) {
            throw new ProxyException("the outbound proxy " + proxy + (carrier[0] == null
                    ? " did not finish its TLS handshake" : " did not answer CONNECT " + target) + " within "
                    + timeoutMs + " ms", 0, e);
        } catch (ProxyException e) {
            throw e;
        } catch (HttpHeadException e) {
            throw new ProxyException("the outbound proxy " + proxy + " answered CONNECT " + target
                    + " with no HTTP reply: " + e.getMessage(), 0, e);
        } catch (EOFException e) {
            throw new ProxyException("the outbound proxy " + proxy + " closed the connection inside its reply to CONNECT "
                    + target, 0, e);
        } catch (IOException e) {
            throw new ProxyException("the outbound proxy " + proxy + (carrier[0] == null ? " failed during TLS: "
                    : " failed during CONNECT " + target + ": ") + reason(e), 0, e);
        }
        if (reply == null) {
            throw new ProxyException("the outbound proxy " + proxy + " closed the connection instead of answering CONNECT "
                    + target, 0, null);
        }
        int status = reply.status();
        if (status / 100 != 2) {
            throw new ProxyException(refusal(proxy, target, reply), status, null);
        }
        s.setSoTimeout(previous);
        return carrier[0];
    }

    /** The TLS context for {@code https://} proxies. */
    private SSLContext tls() throws ProxyException {
        if (proxyTls != null) {
            return proxyTls;
        }
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new ProxyException("this JVM has no TLS for the outbound proxy: " + e.getMessage(), 0, e);
        }
    }

    private static String refusal(OutboundProxy proxy, String target, HttpHead.Status reply) {
        String said = PeerText.forLog(reply.status() + (reply.reason().isEmpty() ? "" : " " + reply.reason()), 120);
        // 407 is the standard answer; tinyproxy says 401 to a wrong password, and either way it
        // is the credentials that are wrong or missing.
        if (reply.status() == 407 || reply.status() == 401) {
            return "the outbound proxy " + proxy + " wants a valid user name and password (" + said + "): "
                    + (proxy.hasCredentials() ? "check the ones in the proxy URL"
                    : "give them in the proxy URL, " + proxy.kind().scheme() + "://user:password@host:port");
        }
        return "the outbound proxy " + proxy + " refused a tunnel to " + target + " (" + said + ")"
                + (reply.status() == 403 ? ": its rules may not allow this host or port" : "");
    }

    /**
     * The target goes into a request line: only the characters of host names and IP literals,
     * so no name from a DERP map can smuggle a line break to the proxy.
     */
    private static void requireHostName(String host) throws ProxyException {
        if (host.isEmpty() || host.length() > 255 || !host.chars().allMatch(c -> c >= 'a' && c <= 'z'
                || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == ':')) {
            throw new ProxyException("cannot ask a proxy for a tunnel to \"" + PeerText.forLog(host, 64)
                    + "\": not a host name or IP address", 0, null);
        }
    }

    /** The JDK's message, or the exception's kind when it has none. */
    private static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
