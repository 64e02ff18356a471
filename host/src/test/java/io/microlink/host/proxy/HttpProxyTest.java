package io.microlink.host.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP proxy over loopback into a stand-in tailnet: CONNECT, absolute-form forwarding, error responses. */
@Timeout(30)
class HttpProxyTest {
    private final ProxyTestPeer tailnet = new ProxyTestPeer();

    @AfterEach
    void stop() {
        tailnet.close();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code request} and returns everything until the proxy closes. */
    private static String exchange(HttpProxy proxy, String request) throws IOException {
        try (Socket s = ProxyTestPeer.connect(proxy.address())) {
            s.getOutputStream().write(ascii(request));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads one head up to its empty line, byte by byte so nothing after it is consumed. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void connectOpensATunnelAndBytesSentWithTheHeadGoFirst() throws Exception {
        try (TailnetServerSocket server = tailnet.serve(443, ProxyTestPeer::echo);
             HttpProxy proxy = HttpProxy.start(tailnet.dialer, ProxyTestPeer.settings());
             Socket s = ProxyTestPeer.connect(proxy.address())) {
            s.getOutputStream().write(ascii("CONNECT peer:443 HTTP/1.1\r\nHost: peer:443\r\n\r\nearly bytes"));
            assertThat(head(s.getInputStream())).isEqualTo("HTTP/1.1 200 Connection established\r\n\r\n");
            s.getOutputStream().write(ascii(", then more"));
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("early bytes, then more");
        }
    }

    @Test
    void anAbsoluteFormRequestReachesTheOriginInOriginFormWithItsBody() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        try (TailnetServerSocket server = tailnet.serve(8080, c -> answerOnce(c, seen));
             HttpProxy proxy = HttpProxy.start(tailnet.dialer, ProxyTestPeer.settings())) {
            String response = exchange(proxy, "POST http://peer:8080/submit?x=1 HTTP/1.1\r\nHost: peer:8080\r\n"
                    + "Proxy-Connection: Keep-Alive\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("POST /submit?x=1 HTTP/1.1\r\nHost: peer:8080\r\n"
                    + "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
            assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nserved by the peer\n");
        }
    }

    @Test
    void withCredentialsARequestWithoutOrWithWrongOnesGets407AndTheRightOnesAreNotPassedOn() throws Exception {
        String password = "s3cret-Proxy-Pass";
        ProxySettings settings = ProxyTestPeer.settings().withCredentials(ProxyCredentials.of("alice", password));
        CompletableFuture<String> seen = new CompletableFuture<>();
        try (TailnetServerSocket server = tailnet.serve(8080, c -> answerOnce(c, seen));
             HttpProxy proxy = HttpProxy.start(tailnet.dialer, settings)) {
            String request = "POST http://peer:8080/ HTTP/1.1\r\nHost: peer:8080\r\nContent-Length: 5\r\n";
            for (String wrong : new String[] {"", basic("alice", "wrong"), basic("bob", password),
                    "Proxy-Authorization: Bearer " + password + "\r\n", "Proxy-Authorization: Basic !!!\r\n",
                    basic("alice", password) + basic("alice", password)}) {
                String response = exchange(proxy, request + wrong + "\r\nhello");
                assertThat(response).as(wrong).startsWith("HTTP/1.1 407 Proxy Authentication Required\r\n")
                        .contains("\r\nProxy-Authenticate: Basic realm=\"microlink\"").doesNotContain(password);
            }
            assertThat(seen).as("nothing reached the peer").isNotDone();
            String response = exchange(proxy, request + basic("alice", password) + "\r\nhello");
            assertThat(response).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("POST / HTTP/1.1\r\nHost: peer:8080\r\n"
                    + "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
        }
    }

    @Test
    void withCredentialsConnectNeedsThemToo() throws Exception {
        ProxySettings settings = ProxyTestPeer.settings().withCredentials(ProxyCredentials.of("alice", "pw"));
        try (TailnetServerSocket server = tailnet.serve(443, ProxyTestPeer::echo);
             HttpProxy proxy = HttpProxy.start(tailnet.dialer, settings)) {
            assertThat(exchange(proxy, "CONNECT peer:443 HTTP/1.1\r\nHost: peer:443\r\n\r\n"))
                    .startsWith("HTTP/1.1 407 ");
            try (Socket s = ProxyTestPeer.connect(proxy.address())) {
                s.getOutputStream().write(ascii("CONNECT peer:443 HTTP/1.1\r\nHost: peer:443\r\n"
                        + basic("alice", "pw") + "\r\nping"));
                assertThat(head(s.getInputStream())).isEqualTo("HTTP/1.1 200 Connection established\r\n\r\n");
                s.shutdownOutput();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("ping");
            }
        }
    }

    private static String basic(String user, String password) {
        return "Proxy-Authorization: Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)) + "\r\n";
    }

    @Test
    void theJdksHttpClientUsesItWithoutResolvingTheTailnetNameItself() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        try (TailnetServerSocket server = tailnet.serve(8080, c -> answerOnce(c, seen));
             HttpProxy proxy = HttpProxy.start(tailnet.dialer, ProxyTestPeer.settings());
             HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://peer:8080/x"))
                    .POST(HttpRequest.BodyPublishers.ofString("hello")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("served by the peer\n");
            assertThat(seen.get(10, TimeUnit.SECONDS)).startsWith("POST /x HTTP/1.1\r\n").endsWith("hello");
        }
    }

    /** Reads the head and a 5-byte body, records them, answers 200 and closes. */
    private static void answerOnce(TailnetSocket c, CompletableFuture<String> seen) {
        try {
            InputStream in = c.getInputStream();
            seen.complete(head(in) + new String(in.readNBytes(5), StandardCharsets.ISO_8859_1));
            c.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 19\r\nConnection: close\r\n\r\n"
                    + "served by the peer\n"));
            c.shutdownOutput();
        } catch (IOException e) {
            seen.completeExceptionally(e);
        }
    }

    @Test
    void aHostOutsideTheTailnetOrARefusingPortIs502() throws Exception {
        try (HttpProxy proxy = HttpProxy.start(tailnet.dialer, ProxyTestPeer.settings())) {
            assertThat(exchange(proxy, "GET http://example.com/ HTTP/1.1\r\n\r\n"))
                    .startsWith("HTTP/1.1 502 Bad Gateway\r\n").contains("not a name in the tailnet");
            assertThat(exchange(proxy, "CONNECT peer:81 HTTP/1.1\r\n\r\n"))
                    .startsWith("HTTP/1.1 502 Bad Gateway\r\n").contains("refused");
        }
    }

    @Test
    void aPeerThatNeverAnswersIs504() throws Exception {
        tailnet.pair.blackHole(true);
        try (HttpProxy proxy = HttpProxy.start(tailnet.dialer,
                ProxyTestPeer.settings().withConnectTimeout(Duration.ofMillis(300)))) {
            assertThat(exchange(proxy, "CONNECT peer:443 HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 504 Gateway Timeout\r\n");
        }
    }

    @Test
    void malformedUnsupportedOversizedAndSlowRequestsGetTheirStatus() throws Exception {
        try (HttpProxy proxy = HttpProxy.start(tailnet.dialer,
                ProxyTestPeer.settings().withHandshakeTimeout(Duration.ofMillis(500)))) {
            assertThat(exchange(proxy, "GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request\r\n");
            assertThat(exchange(proxy, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
                    .startsWith("HTTP/1.1 405 Method Not Allowed\r\n");
            assertThat(exchange(proxy, "GET http://peer/ HTTP/1.1\r\nX: " + "a".repeat(HttpProxy.MAX_HEAD_BYTES)
                    + "\r\n\r\n")).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
            assertThat(exchange(proxy, "GET http://peer/ HTTP/1.1\r\nHost: pe"))
                    .startsWith("HTTP/1.1 408 Request Timeout\r\n");
        }
    }

    @Test
    void beyondMaxConnectionsARequestIs503() throws Exception {
        try (TailnetServerSocket server = tailnet.serve(443, ProxyTestPeer::echo);
             HttpProxy proxy = HttpProxy.start(tailnet.dialer, ProxyTestPeer.settings().withMaxConnections(1));
             Socket first = ProxyTestPeer.connect(proxy.address())) {
            first.getOutputStream().write(ascii("CONNECT peer:443 HTTP/1.1\r\n\r\n"));
            assertThat(head(first.getInputStream())).startsWith("HTTP/1.1 200 ");
            assertThat(exchange(proxy, "CONNECT peer:443 HTTP/1.1\r\n\r\n"))
                    .startsWith("HTTP/1.1 503 Service Unavailable\r\n");
        }
    }
}
