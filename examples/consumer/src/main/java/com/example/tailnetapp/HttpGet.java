package com.example.tailnetapp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.net.SocketFactory;

/**
 * A plain HTTP/1.1 GET over a socket from a {@link SocketFactory}: what a JDBC driver, an MQTT
 * client or an HTTP client that takes a {@code SocketFactory} does with {@code node.socketFactory()}.
 * Kept to the JDK so the example shows the factory, not a client library.
 */
final class HttpGet {
    private static final int MAX_RESPONSE_BYTES = 1 << 20;

    private HttpGet() {}

    /** A response's status code and body. */
    record Response(int status, String body) {}

    static Response get(SocketFactory sockets, URI uri) throws IOException {
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        try (Socket s = sockets.createSocket(uri.getHost(), port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readNBytes(MAX_RESPONSE_BYTES), StandardCharsets.UTF_8);
            int headEnd = response.indexOf("\r\n\r\n");
            String[] statusLine = response.substring(0, Math.max(0, response.indexOf("\r\n"))).split(" ", 3);
            if (headEnd < 0 || statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP response from " + uri);
            }
            return new Response(Integer.parseInt(statusLine[1]), response.substring(headEnd + 4));
        }
    }
}
