package io.microlink.interop.hardening;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

/**
 * The client side of the proxy handshakes the web-flood test speaks, well-formed: SOCKS5
 * CONNECT by name (RFC 1928), with username and password when given (RFC 1929), and HTTP
 * CONNECT with {@code Proxy-Authorization: Basic}. The owner's requests use them through the
 * node's proxies and through a tailscaled's SOCKS5 proxy into the tailnet; so do the attackers,
 * which then misbehave on the connection they got.
 */
final class ProxyDial {
    /** The proxy answered, and said no: {@code code} is the SOCKS5 reply or method byte, or the HTTP status. */
    static final class Refused extends IOException {
        final int code;

        Refused(String what, int code) {
            super(what + " " + code);
            this.code = code;
        }
    }

    private ProxyDial() {}

    /** A TCP connection to {@code to}, from {@code from} (null: any loopback address), every read bounded by {@code timeout}. */
    static Socket open(InetSocketAddress to, InetAddress from, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            if (from != null) {
                s.bind(new InetSocketAddress(from, 0));
            }
            s.connect(to, (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A SOCKS5 CONNECT to {@code host:port} through {@code proxy}; {@code user} null for no authentication. */
    static Socket socks5(InetSocketAddress proxy, InetAddress from, String user, String password, String host, int port,
                         Duration timeout) throws IOException {
        Socket s = open(proxy, from, timeout);
        try {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int method = user == null ? 0 : 2;
            out.write(new byte[] {5, 1, (byte) method});
            if (in.readUnsignedByte() != 5) {
                throw new IOException("not a SOCKS5 answer");
            }
            int chosen = in.readUnsignedByte();
            if (chosen != method) {
                throw new Refused("SOCKS5 method", chosen);
            }
            if (user != null) {
                out.write(usernamePassword(user, password));
                in.readUnsignedByte();
                int status = in.readUnsignedByte();
                if (status != 0) {
                    throw new Refused("SOCKS5 username/password status", status);
                }
            }
            out.write(connectByName(host, port));
            byte[] head = new byte[4];
            in.readFully(head);
            if (head[1] != 0) {
                throw new Refused("SOCKS5 reply", head[1]);
            }
            int addressLength = switch (head[3]) {
                case 1 -> 4;
                case 4 -> 16;
                case 3 -> in.readUnsignedByte();
                default -> throw new IOException("SOCKS5 reply with address type " + head[3]);
            };
            in.readFully(new byte[addressLength + 2]);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** RFC 1929's request: version 1, then the username and password, each after its length. */
    static byte[] usernamePassword(String user, String password) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(1);
        b.write(u.length);
        b.writeBytes(u);
        b.write(p.length);
        b.writeBytes(p);
        return b.toByteArray();
    }

    /** RFC 1928's CONNECT request with a domain-name address (an IP literal is a name too, to both proxies). */
    static byte[] connectByName(String host, int port) {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {5, 1, 0, 3, (byte) name.length});
        b.writeBytes(name);
        b.write(port >> 8);
        b.write(port);
        return b.toByteArray();
    }

    /** An HTTP CONNECT tunnel to {@code host:port}; {@code user} null for no {@code Proxy-Authorization}. */
    static Socket httpConnect(InetSocketAddress proxy, InetAddress from, String user, String password, String host,
                              int port, Duration timeout) throws IOException {
        Socket s = open(proxy, from, timeout);
        try {
            s.getOutputStream().write(connectHead(user, password, host, port));
            int status = status(s.getInputStream());
            if (status != 200) {
                throw new Refused("HTTP CONNECT status", status);
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    static byte[] connectHead(String user, String password, String host, int port) {
        String authority = host + ":" + port;
        String auth = user == null ? "" : "Proxy-Authorization: Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)) + "\r\n";
        return ("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n" + auth + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Reads an HTTP response head (at most 16 KiB) and returns its status code. */
    static int status(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 16 * 1024) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the answer ended inside its head: " + head);
            }
            head.append((char) b);
            if (b == '\n' && head.length() >= 4 && head.charAt(head.length() - 3) == '\n') {
                int space = head.indexOf(" ");
                return Integer.parseInt(head.substring(space + 1, space + 4));
            }
        }
        throw new IOException("an answer head over 16 KiB");
    }

    /** Writes {@code message} and reads it back from an echo at the far end. */
    static void echo(Socket s, String message) throws IOException {
        byte[] sent = message.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(sent);
        byte[] back = new DataInputStream(s.getInputStream()).readNBytes(sent.length);
        if (!Arrays.equals(sent, back)) {
            throw new IOException("the echo came back as " + new String(back, StandardCharsets.UTF_8));
        }
    }
}
