package io.microlink.web.http;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One parsed HTTP/1.1 request with its whole body.
 *
 * <pre>{@code
 * if (request.method().equals("GET") && request.path().equals("/api/peers")) {
 *     int page = request.query("page").map(Integer::parseInt).orElse(1);
 * }
 * }</pre>
 *
 * @param method  upper case as sent, e.g. {@code GET}
 * @param path    the target's path, still percent-encoded (routes are plain ASCII)
 * @param query   decoded query parameters; a repeated name keeps its first value
 * @param headers names in lower case; repeated headers joined with {@code ", "}
 * @param http10  whether the request line said {@code HTTP/1.0}
 * @param remote  the caller's address as the connection reports it
 */
public record HttpRequest(String method, String path, Map<String, String> query, Map<String, String> headers,
                          byte[] body, boolean http10, InetAddress remote) {
    public HttpRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the caller wants the connection kept open after the response. */
    public boolean wantsKeepAlive() {
        String connection = header("connection").orElse("").toLowerCase(Locale.ROOT);
        return http10 ? connection.contains("keep-alive") : !connection.contains("close");
    }
}
