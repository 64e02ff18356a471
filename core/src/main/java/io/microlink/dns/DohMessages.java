package io.microlink.dns;

import io.microlink.http.HttpHead;
import io.microlink.http.HttpHeadException;
import io.microlink.http.HttpHeadReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * DNS over HTTP as an exit node's peerAPI speaks it (RFC 8484 POST, plain HTTP/1.1 over the
 * tailnet): the request for one query, and the answer read back from the response with every
 * part bounded, a header section of at most {@value #MAX_HEAD} bytes and a body of at most one
 * DNS message (65535 bytes), whether the server sends its length, chunks or closes after it.
 * Anything else (another status, another content type, a short body) is an {@link IOException}
 * naming what was wrong, never the body's bytes.
 *
 * <pre>{@code
 * out.write(DohMessages.request(endpoint, query));
 * byte[] answer = DohMessages.readAnswer(in);
 * }</pre>
 */
final class DohMessages {
    /** The media type of a DNS message in HTTP (RFC 8484 §6). */
    static final String MEDIA_TYPE = "application/dns-message";
    /** Status line and headers together; a peerAPI sends a few hundred bytes. */
    static final int MAX_HEAD = 8192;
    /** One DNS message at most, as over TCP. */
    static final int MAX_BODY = 0xFFFF;

    private DohMessages() {}

    /** The whole POST of {@code query} to {@code endpoint}'s {@code /dns-query}, closing the connection after it. */
    static byte[] request(InetSocketAddress endpoint, byte[] query) {
        if (query.length > MAX_BODY) {
            throw new IllegalArgumentException("a DNS message is at most 65535 bytes, not " + query.length);
        }
        String host = ExitNodeDoh.url(endpoint).substring("http://".length());
        host = host.substring(0, host.length() - ExitNodeDoh.PATH.length());
        byte[] head = ("POST " + ExitNodeDoh.PATH + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: " + MEDIA_TYPE
                + "\r\nAccept: " + MEDIA_TYPE + "\r\nContent-Length: " + query.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + query.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(query, 0, all, head.length, query.length);
        return all;
    }

    /**
     * The DNS message of one response read from {@code in}. The head is read by the shared strict
     * {@link HttpHeadReader}, so a peer's status line or fields reach no message but as checked
     * values (a status is three digits).
     */
    static byte[] readAnswer(InputStream in) throws IOException {
        HttpHead.Status head;
        try {
            head = HttpHeadReader.readStatus(in, HttpHeadReader.Limits.of(MAX_HEAD));
        } catch (HttpHeadException e) {
            throw new IOException(e.problem() == HttpHeadException.Problem.TOO_LARGE
                    ? "DoH: response head longer than " + MAX_HEAD + " bytes" : "DoH: not an HTTP/1 response");
        } catch (EOFException e) {
            throw new IOException("DoH: the connection closed inside the response head");
        }
        if (head == null) {
            throw new IOException("DoH: the connection closed before the response");
        }
        if (head.status() != 200) {
            throw new IOException("DoH: status " + head.status());
        }
        String type = head.field("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.equals(MEDIA_TYPE) && !type.startsWith(MEDIA_TYPE + ";")) {
            throw new IOException("DoH: the response is not a DNS message");
        }
        if (head.field("transfer-encoding").orElse("").equalsIgnoreCase("chunked")) {
            return chunks(in);
        }
        Optional<String> length = head.field("content-length");
        return length.isPresent() ? exactly(in, contentLength(length.get())) : untilClose(in);
    }

    private static int contentLength(String value) throws IOException {
        if (!value.matches("[0-9]{1,6}") || Integer.parseInt(value) > MAX_BODY) {
            throw new IOException("DoH: content length not that of one DNS message");
        }
        return Integer.parseInt(value);
    }

    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("DoH: the connection closed inside the body");
        }
        return body;
    }

    private static byte[] untilClose(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new IOException("DoH: body longer than one DNS message");
        }
        return body;
    }

    /** A chunked body (RFC 9112 §7.1), its sizes adding up to one DNS message at most; trailers are not read. */
    private static byte[] chunks(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            String line = line(in);
            int semicolon = line.indexOf(';');
            String size = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
            if (!size.matches("[0-9a-fA-F]{1,5}")) {
                throw new IOException("DoH: malformed chunk size");
            }
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                return body.toByteArray();
            }
            if (body.size() + n > MAX_BODY) {
                throw new IOException("DoH: body longer than one DNS message");
            }
            body.write(exactly(in, n));
            if (!line(in).isEmpty()) {
                throw new IOException("DoH: malformed chunk end");
            }
        }
    }

    /** One CRLF-ended line of at most 64 bytes (a chunk size with room for an extension). */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (!(line.length() >= 2 && line.charAt(line.length() - 2) == '\r' && line.charAt(line.length() - 1) == '\n')) {
            int b = in.read();
            if (b < 0 || line.length() >= 64) {
                throw new IOException("DoH: malformed chunked body");
            }
            line.append((char) b);
        }
        return line.substring(0, line.length() - 2);
    }
}
