package io.microlink.outbound;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A proxy that control and DERP connections are tunnelled through, parsed from a URL as
 * tailscaled (Go's {@code net/http}) reads {@code HTTPS_PROXY}:
 * {@code http://[user[:password]@]host[:port]} for HTTP {@code CONNECT}, the scheme optional, the
 * port 80 when missing (Go's default for an {@code http} proxy); {@code https://} for the same
 * {@code CONNECT} inside TLS to the proxy itself, port 443 when missing; {@code socks5://} or
 * {@code socks5h://} for SOCKS5 (RFC 1928, with RFC 1929 username/password), port 1080 when
 * missing. The user name and password are percent-decoded and are secrets: {@link #toString()}
 * shows only that there are some, never them.
 *
 * @param kind     how to ask the proxy for a tunnel
 * @param host     the proxy's host name or IP literal (IPv6 without brackets)
 * @param port     its TCP port
 * @param username null for a proxy that asks for no credentials
 * @param password with {@code username}; may be empty
 */
public record OutboundProxy(Kind kind, String host, int port, String username, String password) {
    /** RFC 1929 carries each of the user name and password in at most 255 bytes. */
    private static final int SOCKS_CREDENTIAL_MAX_BYTES = 255;

    /** The proxy protocols, by URL scheme. */
    public enum Kind {
        /** HTTP {@code CONNECT} (RFC 9110 §9.3.6). */
        HTTP("http", 80),
        /** HTTP {@code CONNECT} inside TLS to the proxy, as Go's transport speaks to an {@code https} proxy. */
        HTTPS("https", 443),
        /** SOCKS5 {@code CONNECT} to an address this node resolved, as curl reads {@code socks5://}. */
        SOCKS5("socks5", 1080),
        /** SOCKS5 {@code CONNECT} to the host name, which the proxy resolves. */
        SOCKS5H("socks5h", 1080);

        private final String scheme;
        private final int defaultPort;

        Kind(String scheme, int defaultPort) {
            this.scheme = scheme;
            this.defaultPort = defaultPort;
        }

        /**
         * The URL scheme that names this kind.
         *
         * @return the URL scheme that names this kind
         */
        public String scheme() {
            return scheme;
        }

        /** Whether this is one of the SOCKS5 kinds. */
        boolean socks() {
            return this == SOCKS5 || this == SOCKS5H;
        }

        private static Kind of(String scheme) {
            for (Kind k : values()) {
                if (k.scheme.equalsIgnoreCase(scheme)) {
                    return k;
                }
            }
            return null;
        }
    }

    /**
     * An HTTP {@code CONNECT} proxy.
     *
     * @param host     the proxy's host name or IP literal (IPv6 without brackets)
     * @param port     its TCP port
     * @param username null for a proxy that asks for no credentials
     * @param password with {@code username}; may be empty
     */
    public OutboundProxy(String host, int port, String username, String password) {
        this(Kind.HTTP, host, port, username, password);
    }

    /**
     * Parses a proxy URL.
     *
     * @param url e.g. {@code http://proxy.corp:3128}, {@code proxy.corp:3128},
     *            {@code https://proxy.corp} or {@code socks5h://user:password@proxy.corp:1080}
     * @return the proxy
     * @throws IllegalArgumentException with a message naming what is wrong (never quoting the
     *                                  password) for anything but an {@code http}, {@code https},
     *                                  {@code socks5} or {@code socks5h} proxy URL
     */
    public static OutboundProxy parse(String url) {
        String text = url.strip();
        // Go reads a value without a scheme as http://value, and so do curl and most tools.
        URI uri = uri(text.contains("://") ? text : "http://" + text);
        Kind kind = Kind.of(uri.getScheme());
        if (kind == null) {
            throw new IllegalArgumentException("outbound proxy " + redacted(uri) + ": only http:// and https:// (HTTP"
                    + " CONNECT), socks5:// and socks5h:// proxies are supported, not " + uri.getScheme() + "://");
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
            if (kind.socks() && !fitsSocks(user, password)) {
                throw new IllegalArgumentException("outbound proxy " + redacted(uri) + ": a SOCKS5 user name must be"
                        + " 1 to 255 bytes and a password at most 255 (RFC 1929)");
            }
        }
        return new OutboundProxy(kind, host, uri.getPort() > 0 ? uri.getPort() : kind.defaultPort, user, password);
    }

    private static boolean fitsSocks(String user, String password) {
        int u = user.getBytes(StandardCharsets.UTF_8).length;
        return u >= 1 && u <= SOCKS_CREDENTIAL_MAX_BYTES
                && password.getBytes(StandardCharsets.UTF_8).length <= SOCKS_CREDENTIAL_MAX_BYTES;
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

    /** {@code scheme://host:port}, and that credentials are set, without them. */
    @Override
    public String toString() {
        return kind.scheme + "://" + authority(host, port) + (username == null ? "" : " (with credentials)");
    }
}
