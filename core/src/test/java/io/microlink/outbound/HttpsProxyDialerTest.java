package io.microlink.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.http.HttpHead;
import io.microlink.http.HttpHeadReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code https://} proxies against an in-JVM TLS {@code CONNECT} proxy on loopback, with
 * certificates made at test time: the tunnel works inside TLS to the proxy, the proxy's
 * certificate must be trusted and name the host in the proxy URL, credentials and refusals read
 * as for {@code http://}, and a proxy that trickles its handshake or its reply costs the timeout only.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpsProxyDialerTest {
    private static final String TARGET = "control.example";
    /** The name the proxy's certificate is for; the test proxy listens where it resolves. */
    private static final String NAME = "localhost";

    private static TestCertificates proxyCert;
    private static TestCertificates otherCert;

    private ServerSocket listener;
    private final CompletableFuture<HttpHead.Request> seen = new CompletableFuture<>();

    @BeforeAll
    static void certificates(@TempDir Path dir) throws Exception {
        proxyCert = TestCertificates.selfSigned(dir, NAME);
        otherCert = TestCertificates.selfSigned(dir, NAME);
    }

    @AfterEach
    void close() throws IOException {
        if (listener != null) {
            listener.close();
        }
    }

    /** What the test proxy does once it has read the CONNECT head. */
    @FunctionalInterface
    private interface Reply {
        void write(OutputStream out) throws IOException, InterruptedException;
    }

    /** Starts a TLS proxy presenting {@code cert} that answers its first CONNECT with {@code reply}. */
    private int tlsProxy(TestCertificates cert, Reply reply) throws Exception {
        listener = cert.server().getServerSocketFactory().createServerSocket(0, 5, InetAddress.getByName(NAME));
        Thread.startVirtualThread(() -> {
            try (Socket s = listener.accept()) {
                seen.complete(HttpHeadReader.readRequest(s.getInputStream(), HttpHeadReader.Limits.of(8192)));
                reply.write(s.getOutputStream());
                s.getInputStream().transferTo(OutputStream.nullOutputStream()); // until the client hangs up
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
        });
        return listener.getLocalPort();
    }

    private static Reply says(String text) {
        return out -> {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        };
    }

    private static Dialer dialer(String proxyUrl, SSLContext trust) {
        return new Dialer(ProxyRules.fixed(OutboundProxy.parse(proxyUrl)), s -> { }, trust);
    }

    private static String literal() throws IOException {
        String a = InetAddress.getByName(NAME).getHostAddress();
        return a.indexOf(':') >= 0 ? "[" + a + "]" : a;
    }

    @Test
    void theTunnelRunsInsideTlsToTheProxy() throws Exception {
        int port = tlsProxy(proxyCert, says("HTTP/1.1 200 Connection established\r\n\r\nfrom the far end"));
        try (Socket s = dialer("https://" + NAME + ":" + port, proxyCert.trustingIt())
                .connect("https", TARGET, 443, null, 5000)) {
            assertThat(s).isInstanceOf(SSLSocket.class);
            SSLSocket ssl = (SSLSocket) s;
            assertThat(ssl.getSession().getPeerHost()).isEqualTo(NAME);
            assertThat(ssl.getApplicationProtocol()).isIn("http/1.1", "");
            assertThat(new String(s.getInputStream().readNBytes(16), StandardCharsets.US_ASCII))
                    .isEqualTo("from the far end");
            assertThat(s.getSoTimeout()).isZero();
        }
        HttpHead.Request r = seen.get(5, TimeUnit.SECONDS);
        assertThat(r.method()).isEqualTo("CONNECT");
        assertThat(r.target()).isEqualTo(TARGET + ":443");
        assertThat(r.field("proxy-authorization")).isEmpty();
    }

    @Test
    void aDeadlineOnTheTunnelStillEndsABlockedRead() throws Exception {
        // Control and DERP put their own deadline on the socket they get; through an https://
        // proxy that is the TLS socket, and closing it must end a read blocked inside.
        int port = tlsProxy(proxyCert, says("HTTP/1.1 200 OK\r\n\r\n"));
        try (Socket s = dialer("https://" + NAME + ":" + port, proxyCert.trustingIt())
                .connect("https", TARGET, 443, null, 5000)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> ExchangeDeadline.run(s, Duration.ofMillis(300), () -> s.getInputStream().read()))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        int port = tlsProxy(proxyCert, says("HTTP/1.1 200 OK\r\n\r\n"));
        String url = "https://" + literal() + ":" + port; // the same proxy, by an address its certificate does not name
        assertThatThrownBy(() -> dialer(url, proxyCert.trustingIt()).connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class)
                .hasMessage("TLS to the outbound proxy " + url + " failed: its certificate is not for "
                        + OutboundProxy.parse(url).host() + " (the proxy URL must name a host its certificate lists)");
        assertThat(seen).isNotCompleted(); // no CONNECT head reached it
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        int port = tlsProxy(otherCert, says("HTTP/1.1 200 OK\r\n\r\n"));
        assertThatThrownBy(() -> dialer("https://" + NAME + ":" + port, proxyCert.trustingIt())
                .connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class)
                .hasMessageStartingWith("TLS to the outbound proxy https://" + NAME + ":" + port + " failed: its"
                        + " certificate is not signed by a CA this node trusts");
        assertThat(seen).isNotCompleted(); // no CONNECT head reached it
    }

    @Test
    void withoutAGivenContextTheJvmsTrustStoreDecides() throws Exception {
        int port = tlsProxy(proxyCert, says("HTTP/1.1 200 OK\r\n\r\n"));
        assertThatThrownBy(() -> dialer("https://" + NAME + ":" + port, null).connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class).hasMessageContaining("not signed by a CA this node trusts");
    }

    @Test
    void aMissingPasswordIsSaidSoWithTheHttpsScheme() throws Exception {
        int port = tlsProxy(proxyCert, says("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"));
        assertThatThrownBy(() -> dialer("https://" + NAME + ":" + port, proxyCert.trustingIt())
                .connect("https", TARGET, 443, null, 5000))
                .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.status()).isEqualTo(407))
                .hasMessage("the outbound proxy https://" + NAME + ":" + port + " wants a valid user name and password"
                        + " (407 Proxy Authentication Required): give them in the proxy URL,"
                        + " https://user:password@host:port");
    }

    @Test
    void credentialsGoInsideTlsAndAWrongOneIsSaidSoWithoutShowingIt() throws Exception {
        int port = tlsProxy(proxyCert, says("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"));
        assertThatThrownBy(() -> dialer("https://ann:hunter2@" + NAME + ":" + port, proxyCert.trustingIt())
                .connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class)
                .hasMessageEndingWith("check the ones in the proxy URL")
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("ann");
        assertThat(seen.get(5, TimeUnit.SECONDS).field("proxy-authorization")).contains("Basic YW5uOmh1bnRlcjI=");
    }

    @Test
    void aProxyTricklingItsReplyInsideTlsCostsTheTimeoutOnly() throws Exception {
        int port = tlsProxy(proxyCert, out -> {
            out.write("HTTP/1.1 200 OK\r\nX: ".getBytes(StandardCharsets.US_ASCII));
            while (true) {
                out.flush();
                Thread.sleep(100);
                out.write('a');
            }
        });
        long start = System.nanoTime();
        assertThatThrownBy(() -> dialer("https://" + NAME + ":" + port, proxyCert.trustingIt())
                .connect("https", TARGET, 443, null, 800))
                .isInstanceOf(ProxyException.class)
                .hasMessageContaining("did not answer CONNECT control.example:443 within 800 ms");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void aProxyTricklingItsHandshakeCostsTheTimeoutOnly() throws Exception {
        // A TLS record header promising 16 KiB, then a byte per 100 ms: each read is quick, the whole never ends.
        try (TrickleServer proxy = TrickleServer.start(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00}, (byte) 'a',
                Duration.ofMillis(100))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> dialer("https://127.0.0.1:" + proxy.port(), proxyCert.trustingIt())
                    .connect("https", TARGET, 443, null, 500))
                    .isInstanceOf(ProxyException.class)
                    .hasMessageContaining("did not finish its TLS handshake within 500 ms");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void aPlainHttpProxyGivenAsHttpsIsSaidSo() throws Exception {
        listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread.startVirtualThread(() -> {
            try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
                in.readNBytes(5);
                s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(2000);
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        });
        assertThatThrownBy(() -> dialer("https://127.0.0.1:" + listener.getLocalPort(), proxyCert.trustingIt())
                .connect("https", TARGET, 443, null, 5000))
                .isInstanceOf(ProxyException.class)
                .hasMessageEndingWith("failed: it does not speak TLS (is it an http:// proxy?)");
    }
}
