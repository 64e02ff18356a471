package io.microlink.peerapi;

import io.microlink.AddressText;
import io.microlink.http.HttpHead;
import io.microlink.http.HttpHeadException;
import io.microlink.http.HttpHeadReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One request a peer sends this node's peerAPI, read from the connection with every part
 * bounded, and judged as tailscaled's peerAPI judges it ({@code ipn/ipnlocal/peerapi.go}):
 * a {@code Referer} or {@code Origin} field, or a {@code Host} that is neither {@code peer} nor
 * one of this node's own addresses with a port, is refused (403: no web page may drive it); a
 * path other than {@code /dns-query...} is 404; a DNS query comes as RFC 8484 says, {@code GET}
 * with {@code ?dns=} in unpadded base64url or {@code POST} of {@code application/dns-message},
 * at most one DNS message (65535 bytes) either way. The head is read by the shared strict
 * {@link HttpHeadReader} within {@value #MAX_HEAD} bytes; a body needs a {@code Content-Length}.
 *
 * <pre>{@code
 * PeerApiRequest r = PeerApiRequest.read(in, ownAddresses::contains);
 * if (r == null) return;                         // the peer closed a kept-alive connection
 * if (r.refusal().isPresent()) answer(r.refusal().get());
 * }</pre>
 *
 * @param refusal   the answer when the request is not one this node serves; then {@code query} is null
 * @param dnsPath   whether the request asked for {@code /dns-query}: its access check comes before
 *                  its query's own problems, as in tailscaled
 * @param query     the DNS message asked, or null
 * @param keepAlive whether the peer lets the connection carry another request after this one
 */
public record PeerApiRequest(Optional<Refusal> refusal, boolean dnsPath, byte[] query, boolean keepAlive) {
    /** The media type of a DNS message in HTTP (RFC 8484 §6). */
    public static final String DNS_MESSAGE = "application/dns-message";
    /** The request line and fields together; tailscaled sends about 250 bytes. */
    static final int MAX_HEAD = 4096;
    /** One DNS message at most, as over TCP. */
    public static final int MAX_QUERY = 0xFFFF;
    private static final String DNS_PATH = "/dns-query";

    /**
     * An HTTP answer for a request this node does not serve: status and a short plain-text reason,
     * tailscaled's words where it has them. The connection closes after it.
     */
    public record Refusal(int status, String reason) {}

    /**
     * Reads the next request from {@code in}.
     *
     * @param own whether an address is one of this node's, for the {@code Host} check
     * @return the request, or null when the stream ended before its first byte
     * @throws IOException when the stream failed or ended inside the request
     */
    public static PeerApiRequest read(InputStream in, Predicate<InetAddress> own) throws IOException {
        HttpHead.Request head;
        try {
            head = HttpHeadReader.readRequest(in, HttpHeadReader.Limits.of(MAX_HEAD));
        } catch (HttpHeadException e) {
            return refused(e.problem() == HttpHeadException.Problem.TOO_LARGE ? 431 : 400,
                    e.problem() == HttpHeadException.Problem.TOO_LARGE ? "request head too large" : "malformed request");
        }
        if (head == null) {
            return null;
        }
        if (head.field("transfer-encoding").isPresent()) {
            return refused(411, "a body needs a Content-Length");
        }
        Optional<String> length = head.field("content-length");
        int bodyLength = 0;
        if (length.isPresent()) {
            if (!length.get().matches("[0-9]{1,9}")) {
                return refused(400, "bad Content-Length");
            }
            bodyLength = Integer.parseInt(length.get());
            if (bodyLength > MAX_QUERY) {
                return refused(413, "query too large");
            }
        }
        byte[] body = in.readNBytes(bodyLength);
        if (body.length < bodyLength) {
            throw new EOFException("the connection closed inside the request body");
        }
        boolean keepAlive = head.http10() ? head.field("connection").filter(c -> c.equalsIgnoreCase("keep-alive")).isPresent()
                : head.field("connection").filter(c -> c.equalsIgnoreCase("close")).isEmpty();
        if (head.field("referer").isPresent() || head.field("origin").isPresent() || !hostIsOwn(head, own)) {
            return refused(403, "invalid peerapi request");
        }
        String path = head.target().indexOf('?') < 0 ? head.target() : head.target().substring(0, head.target().indexOf('?'));
        if (!path.startsWith(DNS_PATH)) {
            return refused(404, "unsupported peerapi path");
        }
        return switch (head.method()) {
            case "GET" -> fromGet(head.target(), keepAlive);
            case "POST" -> head.field("content-type").filter(DNS_MESSAGE::equals).isEmpty()
                    ? new PeerApiRequest(Optional.of(new Refusal(400, "unexpected Content-Type")), true, null, false)
                    : new PeerApiRequest(Optional.empty(), true, body, keepAlive);
            default -> new PeerApiRequest(Optional.of(new Refusal(400, "bad HTTP method")), true, null, false);
        };
    }

    private static PeerApiRequest refused(int status, String reason) {
        return new PeerApiRequest(Optional.of(new Refusal(status, reason)), false, null, false);
    }

    /** The {@code dns} parameter of a GET, unpadded base64url as RFC 8484 §6 says and Go's RawURLEncoding reads. */
    private static PeerApiRequest fromGet(String target, boolean keepAlive) {
        String value = null;
        int q = target.indexOf('?');
        for (String pair : q < 0 ? new String[0] : target.substring(q + 1).split("&")) {
            if (pair.startsWith("dns=")) {
                value = pair.substring(4);
                break;
            }
        }
        if (value == null || value.isEmpty()) {
            return dnsRefused("missing 'dns' parameter; try '?dns=' (DoH standard)");
        }
        if ((long) value.length() * 3 / 4 > MAX_QUERY) {
            return dnsRefused("query too large");
        }
        if (!value.matches("[A-Za-z0-9_-]*")) {
            return dnsRefused("invalid 'dns' base64 encoding");
        }
        try {
            return new PeerApiRequest(Optional.empty(), true, Base64.getUrlDecoder().decode(value), keepAlive);
        } catch (IllegalArgumentException e) {
            return dnsRefused("invalid 'dns' base64 encoding"); // a length no encoding gives (4n + 1)
        }
    }

    private static PeerApiRequest dnsRefused(String reason) {
        return new PeerApiRequest(Optional.of(new Refusal(400, reason)), true, null, false);
    }

    /** {@code peer}, or one of this node's addresses with a port: a name would let a web page's DNS rebinding in. */
    private static boolean hostIsOwn(HttpHead.Request head, Predicate<InetAddress> own) {
        Optional<String> host = head.field("host");
        if (host.isEmpty() || host.get().equals("peer")) {
            return host.isPresent();
        }
        int colon = host.get().lastIndexOf(':');
        if (colon < 0 || host.get().indexOf(':') != colon && !host.get().startsWith("[")) {
            return false; // tailscaled's ParseAddrPort: a port is required, IPv6 in brackets
        }
        Optional<InetSocketAddress> address = AddressText.socketAddress(host.get(), 1)
                .filter(a -> !host.get().endsWith("]"));
        return address.isPresent() && own.test(address.get().getAddress());
    }
}
