package io.microlink.control;

import io.microlink.control.noise.ControlProtocolException;
import io.microlink.http.HttpHead;
import io.microlink.http.HttpHeadException;
import io.microlink.http.HttpHeadReader;
import io.microlink.http.PeerText;
import io.microlink.key.KeyFormatException;
import io.microlink.key.KeyKind;
import io.microlink.key.PublicKey;
import io.microlink.outbound.Dialer;
import io.microlink.outbound.ExchangeDeadline;
import io.microlink.outbound.ProxyException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * {@code GET /key?v=N}: the control server's Noise key, over a connection the {@link Dialer}
 * opens (so through the outbound proxy when there is one). The request is HTTP/1.0 on purpose:
 * the server must then answer without chunked coding and close after the body, so reading to
 * the end (bounded) is the whole body and no transfer decoder is needed.
 */
final class ServerKeyFetch {
    static final int MAX_KEY_RESPONSE = 64 * 1024;
    private static final HttpHeadReader.Limits HEAD_LIMITS = HttpHeadReader.Limits.of(16 * 1024);

    private ServerKeyFetch() {}

    static PublicKey fetch(URI server, Duration timeout, SSLContext tls, Dialer dialer) throws IOException {
        int port = port(server);
        // Appended to the URL as given (like tailscale), so a control server under a path prefix works.
        String path = server.getRawPath() == null ? "" : server.getRawPath().replaceAll("/+$", "");
        try (Socket conn = open(server, timeout, tls, dialer)) {
            // The whole answer within the timeout: a read timeout alone lets a server trickle
            // its 64 KiB a byte at a time.
            return ExchangeDeadline.run(conn, timeout, () -> {
                conn.getOutputStream().write(("GET " + path + "/key?v=" + ControlClient.CAPABILITY_VERSION
                        + " HTTP/1.0\r\n"
                        + "Host: " + server.getHost() + (server.getPort() > 0 ? ":" + port : "") + "\r\n"
                        + "Accept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                conn.getOutputStream().flush();
                return answer(new BufferedInputStream(conn.getInputStream()), server);
            });
        } catch (SocketTimeoutException e) {
            throw new HttpTimeoutException("no answer from " + server + " within " + timeout);
        }
    }

    /**
     * The key in control's answer to {@code GET /key}, read from {@code in} up to its end
     * (HTTP/1.0: the body ends with the connection), head and body bounded. Untrusted bytes: any
     * answer that is not a 200 with a JSON {@code publicKey} is a {@link ControlProtocolException}
     * (a {@link ControlHttpException} for another status) whose message is escaped and bounded.
     */
    static PublicKey answer(InputStream in, URI server) throws IOException {
        HttpHead.Status head = readHead(in, server, "GET /key");
        byte[] body = ExactReads.upTo(in, MAX_KEY_RESPONSE + 1);
        if (head.status() != 200) {
            throw new ControlHttpException("GET /key", head.status(), ControlClient.snippet(body));
        }
        if (body.length > MAX_KEY_RESPONSE) {
            throw new ControlProtocolException("GET /key answered more than " + MAX_KEY_RESPONSE
                    + " bytes; expected a small JSON");
        }
        return parse(body);
    }

    /** The port {@code server} names, or its scheme's. */
    static int port(URI server) {
        boolean https = "https".equalsIgnoreCase(server.getScheme());
        return server.getPort() > 0 ? server.getPort() : https ? 443 : 80;
    }

    /**
     * A plain connection to {@code server}'s host and port through {@code dialer}, in TLS for
     * https (the handshake within {@code timeout} as a whole), reads timing out after
     * {@code timeout}; errors name the server.
     */
    static Socket open(URI server, Duration timeout, SSLContext tls, Dialer dialer) throws IOException {
        boolean https = "https".equalsIgnoreCase(server.getScheme());
        String host = server.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = port(server);
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        Socket s;
        try {
            s = dialer.connect(https ? "https" : "http", bare, port, null, timeoutMs);
        } catch (ProxyException e) {
            throw e;
        } catch (ConnectException e) {
            // The JDK's message names neither side; say what failed where.
            throw new ConnectException("connection refused by " + server);
        } catch (SocketTimeoutException e) {
            throw new HttpTimeoutException("no answer from " + server + " within " + timeout);
        }
        try {
            // A whole-handshake deadline: a server sending its certificate a byte per read timeout
            // would otherwise hold the caller for good.
            Socket conn = https ? ExchangeDeadline.run(s, timeout, () -> ControlTls.start(s, tls.getSocketFactory(),
                    bare, port)) : s;
            conn.setSoTimeout(timeoutMs);
            return conn;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The status line and headers of {@code server}'s answer to {@code what}, bounded. */
    static HttpHead.Status readHead(InputStream in, URI server, String what) throws IOException {
        HttpHead.Status head;
        try {
            head = HttpHeadReader.readStatus(in, HEAD_LIMITS);
        } catch (HttpHeadException e) {
            throw new ControlProtocolException(what + ": " + server + " sent a bad HTTP response: " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new ControlProtocolException(what + ": " + server + " " + e.getMessage());
        }
        if (head == null) {
            throw new ControlProtocolException(what + ": " + server + " closed the connection without an answer");
        }
        return head;
    }

    private static PublicKey parse(byte[] body) throws ControlProtocolException {
        try {
            return PublicKey.parse(KeyKind.MACHINE, ControlClient.JSON.readTree(body).path("publicKey").asText());
        } catch (IOException | KeyFormatException e) {
            throw new ControlProtocolException("GET /key did not return a control key: "
                    + PeerText.forLog(e.getMessage(), PeerText.DEFAULT_MAX), e);
        }
    }
}
