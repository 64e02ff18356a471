package io.microlink.web.http;

import io.microlink.http.HttpHead;
import io.microlink.http.HttpHeadException;
import io.microlink.http.HttpHeadReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.1 request from a stream: the head with core's {@link HttpHeadReader}, within
 * a size limit, then exactly {@code Content-Length} body bytes, within another. Chunked request
 * bodies are refused: browsers and curl send a length for the small JSON this server takes.
 */
final class RequestReader {
    /** Sends {@code 100 Continue} before the body is read, for callers that wait for it (curl). */
    @FunctionalInterface
    interface Continue {
        void send() throws IOException;
    }

    /** The request line and headers. */
    record Head(String method, String target, boolean http10, Map<String, String> headers) {}

    private RequestReader() {}

    /**
     * @return the request, or null when the stream ended before its first byte (a kept-alive
     *         connection the caller closed)
     * @throws HttpException for a request that breaks the protocol or a limit
     * @throws EOFException  when the stream ended inside a request
     */
    static HttpRequest read(InputStream in, int maxHeadBytes, int maxBodyBytes, InetAddress remote,
                            Continue sendContinue) throws IOException {
        HttpHead.Request request;
        try {
            request = HttpHeadReader.readRequest(in, HttpHeadReader.Limits.of(maxHeadBytes));
        } catch (HttpHeadException e) {
            throw new HttpException(switch (e.problem()) {
                case MALFORMED -> 400;
                case TOO_LARGE -> 431;
                case VERSION -> 505;
            }, e.getMessage());
        }
        if (request == null) {
            return null;
        }
        Head head = checkHead(request);
        int length = contentLength(head.headers(), maxBodyBytes);
        String expect = head.headers().get("expect");
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                throw new HttpException(417, "only 'Expect: 100-continue' is understood");
            }
            if (length > 0) {
                sendContinue.send();
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("connection closed inside a request body");
        }
        int q = head.target().indexOf('?');
        String path = q < 0 ? head.target() : head.target().substring(0, q);
        Map<String, String> query = q < 0 ? Map.of() : parseQuery(head.target().substring(q + 1));
        return new HttpRequest(head.method(), path, query, head.headers(), body, head.http10(), remote);
    }

    /** What this server takes beyond HTTP/1.1 syntax: short upper-case methods, origin-form targets, a Host. */
    private static Head checkHead(HttpHead.Request request) {
        if (!request.method().matches("[A-Z]{1,16}")) {
            throw new HttpException(400, "malformed request line");
        }
        String target = request.target();
        if (!target.startsWith("/")) {
            throw new HttpException(400, "request target must be a path starting with '/'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpHead.Field field : request.fields()) {
            String name = field.name().toLowerCase(Locale.ROOT);
            String value = field.value();
            if ((name.equals("host") || name.equals("content-length")) && headers.containsKey(name)
                    && !headers.get(name).equals(value)) {
                throw new HttpException(400, "conflicting " + name + " headers");
            }
            headers.merge(name, value, (a, b) -> a.equals(b) && name.equals("content-length") ? a : a + ", " + b);
        }
        if (!request.http10() && !headers.containsKey("host")) {
            throw new HttpException(400, "an HTTP/1.1 request needs a Host header");
        }
        return new Head(request.method(), target, request.http10(), headers);
    }

    private static int contentLength(Map<String, String> headers, int maxBodyBytes) {
        if (headers.containsKey("transfer-encoding")) {
            throw new HttpException(501, "chunked request bodies are not supported; send Content-Length");
        }
        String value = headers.get("content-length");
        if (value == null) {
            return 0;
        }
        if (!value.matches("\\d{1,18}")) {
            throw new HttpException(400, "Content-Length is not a number");
        }
        long length = Long.parseLong(value);
        if (length > maxBodyBytes) {
            throw new HttpException(413, "request body is larger than " + maxBodyBytes + " bytes");
        }
        return (int) length;
    }

    static Map<String, String> parseQuery(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw new HttpException(400, "malformed query string");
            }
        }
        return out;
    }
}
