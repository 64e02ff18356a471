package io.microlink.host.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.http.HttpHead;
import io.microlink.http.HttpHeadReader;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Proxy request heads from bytes: the statuses for heads the reader refuses, the two target
 * forms we serve, and what we refuse of them. The head's syntax and limits in detail are
 * {@code HttpHeadReaderTest}'s (core).
 */
class ProxyHttpTest {
    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ProxyHttp.Request parse(String head) throws Exception {
        return ProxyHttp.parse(ProxyHttp.readHead(stream(head), HttpProxy.MAX_HEAD_BYTES).request());
    }

    private static int statusOf(String head) {
        try {
            parse(head);
            return 0;
        } catch (ProxyHttp.HttpError e) {
            return e.status();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theHeadEndsAtItsEmptyLineAndWhatFollowsIsKept() throws Exception {
        ProxyHttp.Head h = ProxyHttp.readHead(stream("CONNECT ts1:443 HTTP/1.1\r\nHost: ts1:443\r\n\r\n\u0016\u0003\u0001"),
                1024);
        assertThat(h.request().target()).isEqualTo("ts1:443");
        assertThat(h.request().fields()).containsExactly(new HttpHead.Field("Host", "ts1:443"));
        assertThat(h.rest()).containsExactly(0x16, 0x03, 0x01);
    }

    @Test
    void aHeadThatArrivesInPiecesIsFoundAcrossThem() throws Exception {
        InputStream dribble = new InputStream() {
            private final byte[] all = "GET http://a/ HTTP/1.1\r\nX: y\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            private int i;

            @Override
            public int read() {
                return i < all.length ? all[i++] : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i == all.length) {
                    return -1;
                }
                b[off] = all[i++];
                return 1;
            }
        };
        assertThat(ProxyHttp.readHead(dribble, 1024).rest()).isEmpty();
    }

    @Test
    void aBareLfIs400() {
        // Bare LFs used to end lines here (RFC 9112 §2.2 allows it); the web server and the
        // upgrades never took them, and one strict reader now refuses them for all.
        assertThat(statusOf("GET http://a/ HTTP/1.0\n\n")).isEqualTo(400);
        assertThat(statusOf("GET http://a/ HTTP/1.1\r\nX: a\nInjected: b\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void anOversizedHeadIs431AndATruncatedOne400AndSilence() {
        assertThatThrownBy(() -> ProxyHttp.readHead(stream("GET http://a/ HTTP/1.1\r\n"
                + "X: y\r\n".repeat(HttpHeadReader.Limits.DEFAULT_MAX_FIELDS + 1) + "\r\n"), HttpProxy.MAX_HEAD_BYTES))
                .isInstanceOfSatisfying(ProxyHttp.HttpError.class, e -> assertThat(e.status()).isEqualTo(431));
        String big = "GET http://a/ HTTP/1.1\r\nX: " + "a".repeat(2000) + "\r\n\r\n";
        assertThatThrownBy(() -> ProxyHttp.readHead(stream(big), 1024))
                .isInstanceOfSatisfying(ProxyHttp.HttpError.class, e -> assertThat(e.status()).isEqualTo(431));
        // Just over the limit, end included, is still too long.
        String exact = "GET http://a/ HTTP/1.1\r\n\r\n";
        assertThatThrownBy(() -> ProxyHttp.readHead(stream(exact), exact.length() - 1))
                .isInstanceOfSatisfying(ProxyHttp.HttpError.class, e -> assertThat(e.status()).isEqualTo(431));
        assertThatThrownBy(() -> ProxyHttp.readHead(stream("GET http://a/ HTTP/1.1\r\nHost: a\r\n"), 1024))
                .isInstanceOfSatisfying(ProxyHttp.HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> ProxyHttp.readHead(stream(""), 1024)).isInstanceOf(EOFException.class);
    }

    @Test
    void connectTakesHostPortIncludingBracketedIpv6() throws Exception {
        ProxyHttp.Request r = parse("CONNECT ts1.tailnet.test:443 HTTP/1.1\r\nHost: ts1.tailnet.test:443\r\n\r\n");
        assertThat(r.connect()).isTrue();
        assertThat(r.host()).isEqualTo("ts1.tailnet.test");
        assertThat(r.port()).isEqualTo(443);
        ProxyHttp.Request v6 = parse("CONNECT [fd7a:115c:a1e0::2]:8080 HTTP/1.1\r\n\r\n");
        assertThat(v6.host()).isEqualTo("fd7a:115c:a1e0::2");
        assertThat(v6.port()).isEqualTo(8080);
    }

    @Test
    void connectWithoutAUsablePortIs400() {
        assertThat(statusOf("CONNECT ts1 HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("CONNECT ts1: HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("CONNECT ts1:0 HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("CONNECT ts1:65536 HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("CONNECT ts1:http HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("CONNECT fd7a::2:80 HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("CONNECT [fd7a::2 HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("CONNECT :80 HTTP/1.1\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void anAbsoluteUrlIsForwardedInOriginFormWithoutProxyAndHopByHopFields() throws Exception {
        ProxyHttp.Request r = parse("POST http://ts1:8080/api/v1?x=1#frag HTTP/1.1\r\n"
                + "Host: ts1:8080\r\nUser-Agent: curl/7.88.1\r\nProxy-Connection: Keep-Alive\r\n"
                + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\nConnection: keep-alive, X-Private\r\nX-Private: 1\r\n"
                + "Keep-Alive: timeout=5\r\nTE: trailers\r\nUpgrade: h2c\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThat(r.connect()).isFalse();
        assertThat(r.host()).isEqualTo("ts1");
        assertThat(r.port()).isEqualTo(8080);
        assertThat(new String(r.originHead(), StandardCharsets.ISO_8859_1)).isEqualTo(
                "POST /api/v1?x=1 HTTP/1.1\r\nHost: ts1:8080\r\nUser-Agent: curl/7.88.1\r\n"
                        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    }

    @Test
    void theDefaultPortIs80AndAnEmptyPathIsSlash() throws Exception {
        ProxyHttp.Request r = parse("GET HTTP://100.64.0.2?q HTTP/1.0\r\n\r\n");
        assertThat(r.host()).isEqualTo("100.64.0.2");
        assertThat(r.port()).isEqualTo(80);
        assertThat(new String(r.originHead(), StandardCharsets.ISO_8859_1))
                .isEqualTo("GET /?q HTTP/1.1\r\nHost: 100.64.0.2\r\nConnection: close\r\n\r\n");
        assertThat(parse("GET http://[fd7a:115c:a1e0::2]/ HTTP/1.1\r\n\r\n").host()).isEqualTo("fd7a:115c:a1e0::2");
    }

    @Test
    void requestsForTheProxyItselfAndOtherSchemesAre405() {
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).isEqualTo(405);
        assertThat(statusOf("OPTIONS * HTTP/1.1\r\n\r\n")).isEqualTo(405);
        assertThat(statusOf("GET https://ts1/ HTTP/1.1\r\n\r\n")).isEqualTo(405);
        assertThat(statusOf("GET ftp://ts1/ HTTP/1.1\r\n\r\n")).isEqualTo(405);
    }

    @Test
    void malformedHeadsAre400() {
        assertThat(statusOf("\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET http://a/ HTTP/2.0\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET  http://a/ HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET http://a/\tx HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("G(T http://a/ HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET http://a/ HTTP/1.1\r\nNo colon here\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET http://a/ HTTP/1.1\r\nBad Name: x\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET http://a/ HTTP/1.1\r\nX: a\r\n folded\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET http://user:pw@a/ HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(statusOf("GET http:///x HTTP/1.1\r\n\r\n")).isEqualTo(400);
        // A bare CR inside a field could split it for the origin server: refused, not passed on.
        assertThat(statusOf("GET http://a/ HTTP/1.1\r\nX: a\rInjected: b\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void errorResponsesAreCompleteAndClose() {
        String r = new String(ProxyHttp.errorResponse(502, "ts9 is not a name in the tailnet"), StandardCharsets.UTF_8);
        assertThat(r).isEqualTo("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 33\r\nConnection: close\r\n\r\nts9 is not a name in the tailnet\n");
    }
}
