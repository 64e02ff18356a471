package io.microlink.control;

import io.microlink.http.HttpHead;
import io.microlink.outbound.Dialer;
import io.microlink.outbound.ExchangeDeadline;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpTimeoutException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;

/**
 * The answer to control's {@link io.microlink.control.wire.PingRequest} without types: an HTTP
 * HEAD to the URL it names, as tailscaled sends. Only a URL on the control server itself (same
 * scheme, host and port) is followed, so control cannot point the node at another host.
 *
 * <pre>{@code
 * int status = HeadPing.send(controlUrl, request.url(), Duration.ofSeconds(5), tls, dialer);
 * }</pre>
 */
public final class HeadPing {
    private HeadPing() {}

    /**
     * Sends the HEAD and reads the answer's status line and headers. Connecting (through the
     * dialer's proxy, if any), the TLS handshake and the exchange each finish within
     * {@code timeout} or fail.
     *
     * @return the HTTP status control answered
     * @throws IllegalArgumentException if {@code url} is not on {@code control}
     * @throws IOException if the server cannot be reached or answers no HTTP
     */
    public static int send(URI control, String url, Duration timeout, SSLContext tls, Dialer dialer)
            throws IOException {
        URI target = onControl(control, url);
        String pathAndQuery = (target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
                + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        try (Socket conn = ServerKeyFetch.open(target, timeout, tls, dialer)) {
            // The read timeout bounds each read; the deadline the whole answer, which a server
            // could otherwise trickle a byte per timeout and hold this thread for good.
            return ExchangeDeadline.run(conn, timeout, () -> {
                conn.getOutputStream().write(("HEAD " + pathAndQuery + " HTTP/1.0\r\n"
                        + "Host: " + target.getRawAuthority() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                conn.getOutputStream().flush();
                HttpHead.Status head = ServerKeyFetch.readHead(new BufferedInputStream(conn.getInputStream()), target,
                        "HEAD ping");
                return head.status();
            });
        } catch (SocketTimeoutException e) {
            throw new HttpTimeoutException("no answer from " + target.getRawAuthority() + " within " + timeout);
        }
    }

    private static URI onControl(URI control, String url) {
        URI target;
        try {
            target = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("not a URL");
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals(control.getScheme().toLowerCase(Locale.ROOT)) || target.getHost() == null
                || !target.getHost().equalsIgnoreCase(control.getHost())
                || ServerKeyFetch.port(target) != ServerKeyFetch.port(control)
                || target.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the URL is not on the control server");
        }
        return target;
    }
}
