package io.microlink.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.microlink.http.HttpHead;
import io.microlink.http.HttpHeadReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CONNECT tunnel against a scripted proxy on loopback: what is sent, what a good reply
 * gives, and that every refusal, broken or hostile reply is one clear {@link ProxyException}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DialerTest {
    private static final String TARGET = "control.example";

    private ServerSocket proxySocket;
    /** The request head the proxy got. */
    private final CompletableFuture<HttpHead.Request> seen = new CompletableFuture<>();

    @BeforeEach
    void listen() throws IOException {
        proxySocket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        proxySocket.close();
    }

    /** A proxy that reads one request head and answers {@code reply} (then keeps the connection open a while). */
    private void proxyAnswers(byte[] reply) {
        Thread.startVirtualThread(() -> {
            try (Socket s = proxySocket.accept()) {
                seen.complete(HttpHeadReader.readRequest(s.getInputStream(), HttpHeadReader.Limits.of(8192)));
                OutputStream out = s.getOutputStream();
                out.write(reply);
                out.flush();
                Thread.sleep(3000);
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
        });
    }

    private void proxyAnswers(String reply) {
        proxyAnswers(reply.getBytes(StandardCharsets.ISO_8859_1));
    }

    private Dialer dialer(String userInfo) {
        return new Dialer(ProxyRules.fixed(OutboundProxy.parse("http://" + userInfo + "127.0.0.1:" + proxySocket.getLocalPort())));
    }

    @Test
    void thePreparerHasEverySocketBeforeItConnectsAndItsFailureIsTheDialsFailure() throws Exception {
        List<Boolean> connectedWhenPrepared = new java.util.concurrent.CopyOnWriteArrayList<>();
        Dialer watched = new Dialer(ProxyRules.direct(), s -> connectedWhenPrepared.add(s.isConnected()));
        try (Socket s = watched.connect("https", "127.0.0.1", proxySocket.getLocalPort(), null, 5000)) {
            assertThat(s.isConnected()).isTrue();
        }
        assertThat(connectedWhenPrepared).containsExactly(false);
        Dialer refusing = new Dialer(ProxyRules.direct(), s -> {
            throw new IOException("there is no interface wlan9");
        });
        assertThatThrownBy(() -> refusing.connect("https", "127.0.0.1", proxySocket.getLocalPort(), null, 5000))
                .isInstanceOf(IOException.class).hasMessage("there is no interface wlan9");
    }

    @Test
    void aTunnelCarriesTheBytesAfterTheReplyHead() throws Exception {
        proxyAnswers("HTTP/1.0 200 Connection established\r\nProxy-Agent: test\r\n\r\nfrom the far end");
        try (Socket s = dialer("").connect("https", TARGET, 443, null, 5000)) {
            assertThat(new String(s.getInputStream().readNBytes(16), StandardCharsets.US_ASCII)).isEqualTo("from the far end");
        }
        HttpHead.Request r = seen.get(5, TimeUnit.SECONDS);
        assertThat(r.method()).isEqualTo("CONNECT");
        assertThat(r.target()).isEqualTo(TARGET + ":443");
        assertThat(r.field("host")).contains(TARGET + ":443");
        assertThat(r.field("proxy-authorization")).isEmpty();
    }

    @Test
    void credentialsGoAsBasicAuthAndIpv6TargetsInBrackets() throws Exception {
        proxyAnswers("HTTP/1.1 200 OK\r\n\r\n");
        dialer("ann:hunter2@").connect("http", "[2001:db8::1]", 8080, null, 5000).close();
        HttpHead.Request r = seen.get(5, TimeUnit.SECONDS);
        assertThat(r.target()).isEqualTo("[2001:db8::1]:8080");
        assertThat(r.field("proxy-authorization")).contains("Basic YW5uOmh1bnRlcjI="); // ann:hunter2
    }

    @Test
    void aMissingPasswordIsSaidSo() {
        proxyAnswers("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n\r\n");
        assertThatThrownBy(() -> dialer("").connect("https", TARGET, 443, null, 5000))
                .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.status()).isEqualTo(407))
                .hasMessage("the outbound proxy http://127.0.0.1:" + proxySocket.getLocalPort() + " wants a valid user"
                        + " name and password (407 Proxy Authentication Required): give them in the proxy URL,"
                        + " http://user:password@host:port");
    }

    @Test
    void aWrongPasswordIsSaidSoWithoutShowingIt() {
        proxyAnswers("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");
        assertThatThrownBy(() -> dialer("ann:hunter2@").connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class)
                .hasMessageContaining("(with credentials) wants a valid user name and password")
                .hasMessageEndingWith("check the ones in the proxy URL")
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("ann");
    }

    @Test
    void tinyproxysAnswerToAWrongPasswordIsReadAsOne() {
        proxyAnswers("HTTP/1.0 401 Unauthorized\r\nServer: tinyproxy/1.11.1\r\nWWW-Authenticate: Basic realm=\"Tinyproxy\"\r\n\r\n");
        assertThatThrownBy(() -> dialer("ann:hunter2@").connect("https", TARGET, 443, null, 5000))
                .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageContaining("wants a valid user name and password (401 Unauthorized): check the ones");
    }

    @Test
    void aForbiddenTargetIsNamed() {
        proxyAnswers("HTTP/1.1 403 Filtered\r\nContent-Length: 5\r\n\r\nnope!");
        assertThatThrownBy(() -> dialer("").connect("https", TARGET, 443, null, 5000))
                .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageEndingWith("refused a tunnel to control.example:443 (403 Filtered): its rules may not allow"
                        + " this host or port");
    }

    @Test
    void anUnreachableProxyIsNamed() throws IOException {
        int port = proxySocket.getLocalPort();
        proxySocket.close();
        assertThatThrownBy(() -> new Dialer(ProxyRules.fixed(OutboundProxy.parse("127.0.0.1:" + port)))
                .connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class)
                .hasMessageStartingWith("cannot reach the outbound proxy http://127.0.0.1:" + port + ": ");
    }

    @Test
    void anEndlessReplyHeadStopsAtTheLimit() {
        byte[] reply = new byte[64 * 1024];
        java.util.Arrays.fill(reply, (byte) 'a');
        byte[] start = "HTTP/1.1 200 OK\r\nX: ".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, reply, 0, start.length);
        proxyAnswers(reply);
        assertThatThrownBy(() -> dialer("").connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class).hasMessageContaining("with no HTTP reply")
                .hasMessageContaining("longer than");
    }

    @Test
    void aSilentProxyCostsTheTimeoutOnly() {
        Thread.startVirtualThread(() -> {
            try (Socket s = proxySocket.accept()) {
                s.getInputStream().readAllBytes();
            } catch (IOException e) {
                // the test is over
            }
        });
        long start = System.nanoTime();
        assertThatThrownBy(() -> dialer("").connect("https", TARGET, 443, null, 500))
                .isInstanceOf(ProxyException.class).hasMessageContaining("did not answer CONNECT control.example:443 within 500 ms");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void aProxyTricklingItsReplyCostsTheTimeoutOnly() throws IOException {
        // A byte every 100 ms never trips the 500 ms read timeout, and the 8 KiB head limit takes 14 minutes.
        try (TrickleServer proxy = TrickleServer.start("HTTP/1.1 200 OK\r\nX: ".getBytes(StandardCharsets.US_ASCII),
                (byte) 'a', Duration.ofMillis(100))) {
            Dialer dialer = new Dialer(ProxyRules.fixed(OutboundProxy.parse("http://127.0.0.1:" + proxy.port())));
            long start = System.nanoTime();
            assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> dialer.connect("https", TARGET, 443, null, 500)))
                    .isInstanceOf(ProxyException.class)
                    .hasMessageContaining("did not answer CONNECT control.example:443 within 500 ms");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void aReplyThatIsNotHttpOrEndsEarlyIsOneLine() {
        proxyAnswers("SSH-2.0-OpenSSH\r\n\r\n");
        assertThatThrownBy(() -> dialer("").connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class).hasMessageContaining("with no HTTP reply: malformed status line");
    }

    @Test
    void aReasonPhraseCannotForgeLogLines() {
        proxyAnswers("HTTP/1.1 502 Bad\u001b[31m Gateway\r\n\r\n");
        assertThatThrownBy(() -> dialer("").connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b").contains("502 Bad?[31m Gateway"));
    }

    @Test
    void aHostNameThatWouldBreakTheRequestLineIsNotSent() {
        proxyAnswers("HTTP/1.1 200 OK\r\n\r\n");
        assertThatThrownBy(() -> dialer("").connect("https", "evil.example\r\nX-Injected: 1", 443, null, 5000))
                .isInstanceOf(ProxyException.class).hasMessageContaining("not a host name or IP address");
        assertThat(seen).isNotDone();
    }

    @Test
    void withoutAProxyItConnectsDirectly() throws Exception {
        Thread.startVirtualThread(() -> {
            try (Socket s = proxySocket.accept()) {
                s.getOutputStream().write('!');
            } catch (IOException e) {
                // the test is over
            }
        });
        try (Socket s = Dialer.direct().connect("https", "127.0.0.1", proxySocket.getLocalPort(), null, 5000);
             InputStream in = s.getInputStream()) {
            assertThat(in.read()).isEqualTo('!');
        }
    }
}
