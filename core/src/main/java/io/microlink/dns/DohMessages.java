package io.microlink.dns;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

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

    /** The DNS message of one response read from {@code in}. */
    static byte[] readAnswer(InputStream in) throws IOException {
        String[] lines = head(in).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("DoH: not an HTTP/1 response");
        }
        if (!status[1].equals("200")) {
            throw new IOException("DoH: status " + status[1].replaceAll("[^0-9]", ""));
        }
        long length = -1;
        boolean chunked = false;
        boolean dnsMessage = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new IOException("DoH: malformed header line");
            }
            String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> length = contentLength(value);
                case "transfer-encoding" -> chunked = value.equals("chunked");
                case "content-type" -> dnsMessage = value.equals(MEDIA_TYPE) || value.startsWith(MEDIA_TYPE + ";");
                default -> { }
            }
        }
        if (!dnsMessage) {
            throw new IOException("DoH: the response is not a DNS message");
        }
        if (chunked) {
            return chunks(in);
        }
        return length >= 0 ? exactly(in, (int) length) : untilClose(in);
    }

    private static long contentLength(String value) throws IOException {
        if (!value.matches("[0-9]{1,6}") || Long.parseLong(value) > MAX_BODY) {
            throw new IOException("DoH: content length not that of one DNS message");
        }
        return Long.parseLong(value);
    }

    /** Up to the blank line, without it. */
    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!(head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n"))) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("DoH: the connection closed inside the response head");
            }
            if (head.length() >= MAX_HEAD) {
                throw new IOException("DoH: response head longer than " + MAX_HEAD + " bytes");
            }
            head.append((char) b);
        }
        return head.substring(0, head.length() - 4);
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
