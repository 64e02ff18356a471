package io.microlink.web.http;

import java.io.ByteArrayOutputStream;
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
 * Reads one HTTP/1.1 request from a stream: the head up to its blank line, within a size
 * limit, then exactly {@code Content-Length} body bytes, within another. Chunked request
 * bodies are refused: browsers and curl send a length for the small JSON this server takes.
 */
final class RequestReader {
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";

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
        String headText = readHead(in, maxHeadBytes);
        if (headText == null) {
            return null;
        }
        Head head = parseHead(headText);
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

    /** The head's text without its final blank line, or null for end of stream before any byte. */
    private static String readHead(InputStream in, int maxBytes) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0; // how much of "\r\n\r\n" the last bytes were
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a request head");
            }
            if (head.size() >= maxBytes) {
                throw new HttpException(431, "request head is larger than " + maxBytes + " bytes");
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        byte[] bytes = head.toByteArray();
        return new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1);
    }

    static Head parseHead(String text) {
        String[] lines = text.split("\r\n", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || !requestLine[0].matches("[A-Z]{1,16}") || requestLine[1].isEmpty()) {
            throw new HttpException(400, "malformed request line");
        }
        String version = requestLine[2];
        if (!version.matches("HTTP/\\d\\.\\d")) {
            throw new HttpException(400, "malformed request line");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new HttpException(505, "only HTTP/1.1 and HTTP/1.0 are served");
        }
        String target = requestLine[1];
        if (!target.startsWith("/")) {
            throw new HttpException(400, "request target must be a path starting with '/'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).matches(TOKEN)) {
                throw new HttpException(400, "malformed header line " + i);
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if ((name.equals("host") || name.equals("content-length")) && headers.containsKey(name)
                    && !headers.get(name).equals(value)) {
                throw new HttpException(400, "conflicting " + name + " headers");
            }
            headers.merge(name, value, (a, b) -> a.equals(b) && name.equals("content-length") ? a : a + ", " + b);
        }
        boolean http10 = version.equals("HTTP/1.0");
        if (!http10 && !headers.containsKey("host")) {
            throw new HttpException(400, "an HTTP/1.1 request needs a Host header");
        }
        return new Head(requestLine[0], target, http10, headers);
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
