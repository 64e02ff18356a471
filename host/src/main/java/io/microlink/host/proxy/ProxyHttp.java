package io.microlink.host.proxy;

import io.microlink.http.HttpHead;
import io.microlink.http.HttpHeadException;
import io.microlink.http.HttpHeadReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The HTTP/1.1 a forward proxy reads and writes (RFC 9110, RFC 9112): a request head read with
 * core's {@link HttpHeadReader} up to a size limit, CONNECT's authority-form and absolute-form
 * {@code http://} targets, the head rewritten to origin-form for the origin server, and error
 * responses. No sockets: reading takes any stream.
 */
final class ProxyHttp {
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final int READ_CHUNK = 2048;
    private static final String AUTH_REALM = "microlink";
    /** Fields meant for the proxy or the one hop to it, never passed on (RFC 9110 §7.6.1). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "proxy-connection", "keep-alive", "te",
            "upgrade", "host");

    static final byte[] CONNECTION_ESTABLISHED =
            "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private ProxyHttp() {}

    /** The request cannot be served; {@link #status} is the response code to answer with. */
    static final class HttpError extends IOException {
        private final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** A complete head and the bytes read after it, which belong to the body or tunnel. */
    record Head(HttpHead.Request request, byte[] rest) {}

    /**
     * A parsed proxy request.
     *
     * @param connect     CONNECT (a tunnel) rather than a request to forward
     * @param authority   {@code host:port} as the client wrote it (for the forwarded Host field)
     * @param path        origin-form target for a forwarded request; null for CONNECT
     */
    record Request(String method, String host, int port, String authority, String path, boolean connect,
                   List<HttpHead.Field> fields) {

        /** The head to send the origin server: origin-form, hop-by-hop and Proxy-* fields gone, {@code Connection: close}. */
        byte[] originHead() {
            Set<String> drop = new HashSet<>(HOP_BY_HOP);
            for (HttpHead.Field f : fields) {
                if (f.name().equalsIgnoreCase("connection")) {
                    Arrays.stream(f.value().split(",")).map(s -> s.strip().toLowerCase(Locale.ROOT)).forEach(drop::add);
                }
            }
            StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            sb.append("Host: ").append(authority).append("\r\n");
            for (HttpHead.Field f : fields) {
                String name = f.name().toLowerCase(Locale.ROOT);
                // Transfer-Encoding stays although hop-by-hop: the body is relayed as it came, framing included.
                if (!drop.contains(name) && !name.startsWith("proxy-")) {
                    sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
                }
            }
            sb.append("Connection: close\r\n\r\n");
            return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Reads a request head. Nothing at all before the end of the stream is an {@link EOFException};
     * a head cut short or refused by the reader an {@link HttpError}: 431 over a limit ({@code limit}
     * bytes in all, or the reader's default line and field limits), 400 otherwise.
     */
    static Head readHead(InputStream in, int limit) throws IOException {
        HttpHeadReader<HttpHead.Request> reader = HttpHeadReader.forRequest(HttpHeadReader.Limits.of(limit));
        byte[] chunk = new byte[READ_CHUNK];
        while (true) {
            int n = in.read(chunk);
            if (n < 0) {
                if (reader.bytesRead() == 0) {
                    throw new EOFException("the client closed without a request");
                }
                throw new HttpError(400, "the request head ended early");
            }
            int used;
            try {
                used = reader.feed(chunk, 0, n);
            } catch (HttpHeadException e) {
                // A version other than 1.x is a 400 here, as it always was for this proxy.
                throw new HttpError(e.problem() == HttpHeadException.Problem.TOO_LARGE ? 431 : 400, e.getMessage());
            }
            if (reader.complete()) {
                return new Head(reader.head(), Arrays.copyOfRange(chunk, used, n));
            }
        }
    }

    /** The proxy request in a head from {@link #readHead}; anything not a proxy request of ours is an {@link HttpError}. */
    static Request parse(HttpHead.Request head) throws HttpError {
        List<HttpHead.Field> fields = head.fields();
        String method = head.method();
        String target = head.target();
        if (method.equals("CONNECT")) {
            HostPort hp = hostPort(target, -1);
            return new Request(method, hp.host, hp.port, target, null, true, fields);
        }
        if (target.regionMatches(true, 0, "http://", 0, 7)) {
            return absolute(method, target.substring(7), fields);
        }
        if (target.contains("://")) {
            throw new HttpError(405, "only http:// URLs are forwarded; for https use CONNECT (curl -p)");
        }
        throw new HttpError(405, "this is a proxy: send an absolute http:// URL or CONNECT, not " + printable(target));
    }

    private static Request absolute(String method, String afterScheme, List<HttpHead.Field> fields) throws HttpError {
        int pathStart = afterScheme.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = afterScheme.indexOf(c);
            if (i >= 0 && i < pathStart) {
                pathStart = i;
            }
        }
        String authority = afterScheme.substring(0, pathStart);
        if (authority.contains("@")) {
            throw new HttpError(400, "credentials in the URL are not forwarded");
        }
        String path = afterScheme.substring(pathStart);
        int hash = path.indexOf('#');
        if (hash >= 0) {
            path = path.substring(0, hash); // a fragment is never sent (RFC 9110 §4.2.4)
        }
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        HostPort hp = hostPort(authority, 80);
        return new Request(method, hp.host, hp.port, authority, path, false, fields);
    }

    private record HostPort(String host, int port) {}

    /** {@code host[:port]} or {@code [v6][:port]}; {@code defaultPort} -1 makes the port required. */
    private static HostPort hostPort(String authority, int defaultPort) throws HttpError {
        String host;
        String port;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new HttpError(400, "unclosed IPv6 literal in " + printable(authority));
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw new HttpError(400, "malformed authority " + printable(authority));
            }
            port = after.isEmpty() ? null : after.substring(1);
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty() || host.contains(":") && !authority.startsWith("[")) {
            throw new HttpError(400, "malformed host in " + printable(authority));
        }
        if (port == null || port.isEmpty() && defaultPort > 0) {
            if (defaultPort < 0) {
                throw new HttpError(400, "CONNECT needs host:port, got " + printable(authority));
            }
            return new HostPort(host, defaultPort);
        }
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new HttpError(400, "bad port in " + printable(authority));
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /**
     * Whether the request carries exactly one {@code Proxy-Authorization: Basic} field (RFC 7617)
     * whose username and password are {@code credentials}. Anything else (none, two, another
     * scheme, bad base64, no colon) is not.
     */
    static boolean authorized(Request request, ProxyCredentials credentials) {
        List<HttpHead.Field> given = request.fields().stream()
                .filter(f -> f.name().equalsIgnoreCase("proxy-authorization")).toList();
        if (given.size() != 1) {
            return false;
        }
        String value = given.getFirst().value().strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("basic")) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value.substring(space + 1).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = indexOf(decoded, (byte) ':');
        return colon >= 0 && credentials.matches(Arrays.copyOfRange(decoded, 0, colon),
                Arrays.copyOfRange(decoded, colon + 1, decoded.length));
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The 407 that asks the client for its username and password (RFC 9110 §15.5.8). */
    static byte[] authenticationRequired() {
        return response(407, "this proxy needs a username and password (curl: --proxy-user USER:PASSWORD)",
                "Proxy-Authenticate: Basic realm=\"" + AUTH_REALM + "\", charset=\"UTF-8\"\r\n");
    }

    /** A complete response with a short plain-text body; the connection closes after it. */
    static byte[] errorResponse(int status, String message) {
        return response(status, message, "");
    }

    private static byte[] response(int status, String message, String extraFields) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n" + extraFields
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 405 -> "Method Not Allowed";
            case 407 -> "Proxy Authentication Required";
            case 408 -> "Request Timeout";
            case 431 -> "Request Header Fields Too Large";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error";
        };
    }

    /** Client text for a log line or error body: bounded, control characters shown as '?'. */
    private static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.chars().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
