package io.microlink.portmap;

import io.microlink.netstack.relay.SocketBinder;
import io.microlink.http.HttpHead;
import io.microlink.http.HttpHeadReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The few HTTP/1.1 requests UPnP needs, to the gateway only: one connection each
 * ({@code Connection: close}), no proxy, no redirect, at most {@value #MAX_RESPONSE} bytes and
 * {@link #TIME} in all, so a hostile or broken gateway costs little.
 */
final class GatewayHttp {
    static final int MAX_RESPONSE = 64 * 1024;
    static final Duration TIME = Duration.ofSeconds(3);
    private static final int MAX_HEAD = 8 * 1024;

    /** A status code and the body (chunked transfer coding removed). */
    record Response(int status, byte[] body) {}

    private GatewayHttp() {}

    /** GETs {@code url} from a socket readied by {@code binder}. */
    static Response get(URI url, SocketBinder binder) throws IOException {
        return exchange(url, "GET", "", null, binder);
    }

    /** POSTs a SOAP call to {@code url} from a socket readied by {@code binder}. */
    static Response post(URI url, String soapAction, String body, SocketBinder binder) throws IOException {
        return exchange(url, "POST", "Content-Type: text/xml; charset=\"utf-8\"\r\nSOAPAction: \"" + soapAction
                + "\"\r\n", body, binder);
    }

    private static Response exchange(URI url, String method, String headers, String body, SocketBinder binder)
            throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + port + "\r\n" + headers
                + (body == null ? "" : "Content-Length: " + content.length + "\r\n") + "Connection: close\r\n\r\n";
        long deadline = System.nanoTime() + TIME.toNanos();
        // NO_PROXY: a plain Socket would follow socksProxyHost or the default ProxySelector, and
        // the gateway's own LAN address must be reached directly, never through a third party.
        try (Socket s = new Socket(Proxy.NO_PROXY)) {
            InetSocketAddress to = new InetSocketAddress(url.getHost(), port);
            binder.bindTcp(s, to.getAddress());
            s.connect(to, (int) TIME.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return parse(readAll(s, deadline));
        }
    }

    /** Reads until the gateway closes, the cap or the deadline, whichever comes first. */
    private static byte[] readAll(Socket s, long deadline) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("the gateway's HTTP answer took longer than " + TIME.toSeconds() + " s");
            }
            s.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
            int n = in.read(buf);
            if (n < 0) {
                return all.toByteArray();
            }
            if (all.size() + n > MAX_RESPONSE) {
                throw new IOException("the gateway's HTTP answer is longer than " + MAX_RESPONSE + " bytes");
            }
            all.write(buf, 0, n);
        }
    }

    /** Status line, headers, body; a {@code Content-Length} shortens the body, chunks are joined. */
    static Response parse(byte[] raw) throws IOException {
        HttpHeadReader<HttpHead.Status> reader = HttpHeadReader.forStatus(HttpHeadReader.Limits.of(MAX_HEAD));
        int from = reader.feed(raw, 0, raw.length);
        if (!reader.complete()) {
            throw new IOException("an HTTP answer without the end of its head");
        }
        HttpHead.Status head = reader.head();
        boolean chunked = head.field("Transfer-Encoding")
                .map(v -> v.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false);
        int end = head.field("Content-Length").filter(v -> v.matches("\\d{1,9}"))
                .map(v -> (int) Math.min(raw.length, from + Long.parseLong(v))).orElse(raw.length);
        byte[] body = chunked ? dechunk(raw, from) : Arrays.copyOfRange(raw, from, end);
        return new Response(head.status(), body);
    }

    private static byte[] dechunk(byte[] raw, int at) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int eol = indexOf(raw, new byte[] {'\r', '\n'}, at);
            if (eol < 0) {
                throw new IOException("a chunk without its size line");
            }
            String size = new String(raw, at, eol - at, StandardCharsets.ISO_8859_1).split(";", 2)[0].trim();
            if (!size.matches("[0-9a-fA-F]{1,6}")) {
                throw new IOException("a bad chunk size");
            }
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                return out.toByteArray();
            }
            at = eol + 2;
            if (n > raw.length - at) {
                throw new IOException("a chunk longer than the answer");
            }
            out.write(raw, at, n);
            at += n + 2;
        }
    }

    private static int indexOf(byte[] b, byte[] what, int from) {
        outer:
        for (int i = from; i <= b.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
