package io.microlink.outbound;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An HTTP proxy that control and DERP connections are tunnelled through with {@code CONNECT},
 * parsed from a URL as tailscaled (Go's {@code net/http}) reads {@code HTTPS_PROXY}:
 * {@code http://[user[:password]@]host[:port]}, the scheme optional, the port 80 when missing
 * (Go's default for an {@code http} proxy). The user name and password are percent-decoded and
 * are secrets: {@link #toString()} shows only that there are some, never them.
 *
 * @param host     the proxy's host name or IP literal (IPv6 without brackets)
 * @param port     its TCP port
 * @param username null for a proxy that asks for no credentials
 * @param password with {@code username}; may be empty
 */
public record OutboundProxy(String host, int port, String username, String password) {
    private static final int DEFAULT_PORT = 80;

    /**
     * Parses a proxy URL.
     *
     * @param url e.g. {@code http://proxy.corp:3128} or {@code proxy.corp:3128}
     * @return the proxy
     * @throws IllegalArgumentException with a message naming what is wrong (never quoting the
     *                                  password) for anything but an {@code http} proxy URL
     */
    public static OutboundProxy parse(String url) {
        String text = url.strip();
        // Go reads a value without a scheme as http://value, and so do curl and most tools.
        URI uri = uri(text.contains("://") ? text : "http://" + text);
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("outbound proxy " + redacted(uri) + ": only http:// proxies (HTTP CONNECT)"
                    + " are supported, not " + uri.getScheme() + "://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("outbound proxy " + redacted(uri) + " names no host");
        }
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/") || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("outbound proxy " + redacted(uri) + ": a proxy URL has no path or query");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        return new OutboundProxy(host, uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT, user, password);
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            // The message would quote the URL, and with it any password.
            throw new IllegalArgumentException("outbound proxy URL is not a URL (" + e.getReason() + ")");
        }
    }

    /**
     * Percent-decodes user information (URI has checked its escapes): unlike a form, a '+'
     * there is a plus.
     */
    private static String decode(String raw) {
        return java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The URL without its credentials, for a message about a URL that did not parse. */
    private static String redacted(URI uri) {
        return (uri.getScheme() == null ? "" : uri.getScheme() + "://") + (uri.getRawUserInfo() == null ? "" : "***@")
                + (uri.getHost() == null ? "" : uri.getHost()) + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    /**
     * Whether the proxy is given a user name and password.
     *
     * @return whether the proxy is given a user name and password
     */
    public boolean hasCredentials() {
        return username != null;
    }

    /** The {@code Proxy-Authorization} value (RFC 7617 Basic), or null without credentials. */
    String authorization() {
        if (username == null) {
            return null;
        }
        byte[] pair = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair);
    }

    /** {@code host:port}, bracketed for IPv6, as a CONNECT target or a message names it. */
    static String authority(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code http://host:port}, and that credentials are set, without them. */
    @Override
    public String toString() {
        return "http://" + authority(host, port) + (username == null ? "" : " (with credentials)");
    }
}
