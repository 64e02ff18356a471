package io.microlink.peerapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the peerAPI takes from a peer, and how it refuses the rest, as tailscaled's peerapi.go does. */
class PeerApiRequestTest {
    private static final Set<InetAddress> OWN = Set.of(InetAddress.ofLiteral("100.64.0.7"),
            InetAddress.ofLiteral("fd7a:115c:a1e0::7"));
    private static final byte[] QUERY = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 0, 0, 1, 0, 1};
    /** What tailscaled's forwarder sends (net/dns/resolver sendDoH), with Go's own fields. */
    private static final String TAILSCALED_HEAD = "POST /dns-query HTTP/1.1\r\nHost: 100.64.0.7:49521\r\n"
            + "User-Agent: tailscaled/1.102.3\r\nContent-Length: " + QUERY.length + "\r\nAccept: application/dns-message\r\n"
            + "Content-Type: application/dns-message\r\nAccept-Encoding: gzip\r\n\r\n";

    private static PeerApiRequest read(byte[] wire) throws IOException {
        return PeerApiRequest.read(new ByteArrayInputStream(wire), OWN::contains);
    }

    private static PeerApiRequest read(String head, byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return read(out.toByteArray());
    }

    @Test
    void aPostAsTailscaledSendsItCarriesTheQueryAndKeepsTheConnection() throws IOException {
        PeerApiRequest r = read(TAILSCALED_HEAD, QUERY);
        assertThat(r.refusal()).isEmpty();
        assertThat(r.dnsPath()).isTrue();
        assertThat(r.query()).isEqualTo(QUERY);
        assertThat(r.keepAlive()).isTrue();
    }

    @Test
    void twoRequestsOnOneConnectionAreReadOneAfterTheOther() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 2; i++) {
            out.writeBytes(TAILSCALED_HEAD.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(QUERY);
        }
        InputStream in = new ByteArrayInputStream(out.toByteArray());
        assertThat(PeerApiRequest.read(in, OWN::contains).query()).isEqualTo(QUERY);
        assertThat(PeerApiRequest.read(in, OWN::contains).query()).isEqualTo(QUERY);
        assertThat(PeerApiRequest.read(in, OWN::contains)).as("the peer closed").isNull();
    }

    @Test
    void aGetCarriesTheQueryInUnpaddedBase64Url() throws IOException {
        String dns = Base64.getUrlEncoder().withoutPadding().encodeToString(QUERY);
        PeerApiRequest r = read("GET /dns-query?dns=" + dns + " HTTP/1.1\r\nHost: [fd7a:115c:a1e0::7]:49521\r\n"
                + "Connection: close\r\n\r\n", new byte[0]);
        assertThat(r.query()).isEqualTo(QUERY);
        assertThat(r.keepAlive()).isFalse();
        assertThat(read("GET /dns-query?ct=x&dns=" + dns + " HTTP/1.1\r\nHost: peer\r\n\r\n", new byte[0]).query())
                .isEqualTo(QUERY);
    }

    @Test
    void queryProblemsAre400WithTailscaledsWords() throws IOException {
        assertThat(read("GET /dns-query HTTP/1.1\r\nHost: peer\r\n\r\n", new byte[0]).refusal().orElseThrow().reason())
                .startsWith("missing 'dns' parameter");
        assertThat(read("GET /dns-query?dns=a+b/ HTTP/1.1\r\nHost: peer\r\n\r\n", new byte[0]).refusal())
                .contains(new PeerApiRequest.Refusal(400, "invalid 'dns' base64 encoding"));
        assertThat(read("GET /dns-query?dns=abcde HTTP/1.1\r\nHost: peer\r\n\r\n", new byte[0]).refusal())
                .contains(new PeerApiRequest.Refusal(400, "invalid 'dns' base64 encoding"));
        assertThat(read("GET /dns-query?dns=" + "A".repeat(90_000) + " HTTP/1.1\r\nHost: peer\r\n\r\n", new byte[0])
                .refusal().orElseThrow().status()).as("over the head limit").isEqualTo(431);
        PeerApiRequest textPost = read(TAILSCALED_HEAD.replace("Type: application/dns-message", "Type: text/plain"), QUERY);
        assertThat(textPost.refusal()).contains(new PeerApiRequest.Refusal(400, "unexpected Content-Type"));
        assertThat(textPost.dnsPath()).isTrue();
        assertThat(read(TAILSCALED_HEAD.replace("POST", "PUT"), QUERY).refusal())
                .contains(new PeerApiRequest.Refusal(400, "bad HTTP method"));
    }

    @Test
    void webPagesAndForeignHostsAreRefusedBeforeThePath() throws IOException {
        PeerApiRequest.Refusal forbidden = new PeerApiRequest.Refusal(403, "invalid peerapi request");
        assertThat(read(TAILSCALED_HEAD.replace("Accept-Encoding", "Origin: http://evil.example\r\nX"), QUERY).refusal())
                .contains(forbidden);
        assertThat(read(TAILSCALED_HEAD.replace("Accept-Encoding", "Referer: http://evil.example/\r\nX"), QUERY).refusal())
                .contains(forbidden);
        for (String host : new String[] {"evil.example:49521", "100.64.0.8:49521", "100.64.0.7", "[fd7a:115c:a1e0::7]",
                "fd7a:115c:a1e0::7"}) {
            PeerApiRequest r = read(TAILSCALED_HEAD.replace("100.64.0.7:49521", host), QUERY);
            assertThat(r.refusal()).as(host).contains(forbidden);
            assertThat(r.dnsPath()).isFalse();
        }
        assertThat(read(TAILSCALED_HEAD.replace("Host: 100.64.0.7:49521\r\n", ""), QUERY).refusal()).contains(forbidden);
    }

    @Test
    void otherPathsAre404() throws IOException {
        PeerApiRequest r = read("GET /v0/goroutines HTTP/1.1\r\nHost: peer\r\n\r\n", new byte[0]);
        assertThat(r.refusal()).contains(new PeerApiRequest.Refusal(404, "unsupported peerapi path"));
        assertThat(r.dnsPath()).isFalse();
    }

    @Test
    void bodiesAreBoundedAndFramedByTheirLengthOnly() throws IOException {
        assertThat(read(TAILSCALED_HEAD.replace("Content-Length: " + QUERY.length, "Content-Length: 65536"), QUERY)
                .refusal()).contains(new PeerApiRequest.Refusal(413, "query too large"));
        assertThat(read(TAILSCALED_HEAD.replace("Content-Length: " + QUERY.length, "Transfer-Encoding: chunked"),
                QUERY).refusal().orElseThrow().status()).isEqualTo(411);
        assertThat(read(TAILSCALED_HEAD.replace("Content-Length: " + QUERY.length, "Content-Length: -1"), QUERY)
                .refusal().orElseThrow().status()).isEqualTo(400);
        assertThatThrownBy(() -> read(TAILSCALED_HEAD, new byte[3])).isInstanceOf(EOFException.class);
    }

    @Test
    void aMalformedHeadIs400() throws IOException {
        assertThat(read("POST /dns-query HTTP/1.1\nHost: peer\n\n".getBytes(StandardCharsets.US_ASCII)).refusal()
                .orElseThrow().status()).isEqualTo(400);
    }
}
