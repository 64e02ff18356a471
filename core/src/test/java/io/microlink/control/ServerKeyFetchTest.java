package io.microlink.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.microlink.http.HttpHead;
import io.microlink.http.HttpHeadReader;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.outbound.Dialer;
import io.microlink.outbound.OutboundProxy;
import io.microlink.outbound.ProxyException;
import io.microlink.outbound.ProxyRules;
import io.microlink.outbound.TrickleServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /key} through an outbound proxy: the tunnel is asked for by the server's name (this
 * host need not resolve it), and the request that follows is the HTTP/1.0 GET whose answer ends
 * with the connection.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerKeyFetchTest {
    private static final HttpHeadReader.Limits LIMITS = HttpHeadReader.Limits.of(8192);

    @Test
    void theKeyComesThroughTheProxyTunnelByName() throws Exception {
        PublicKey key = PrivateKey.generate(KeyKind.MACHINE).publicKey();
        List<HttpHead.Request> seen = new CopyOnWriteArrayList<>();
        try (ServerSocket proxy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.startVirtualThread(() -> {
                try (Socket s = proxy.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    seen.add(HttpHeadReader.readRequest(in, LIMITS));
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    seen.add(HttpHeadReader.readRequest(in, LIMITS)); // the tunnelled request, as the server sees it
                    out.write(("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"publicKey\":\"" + key + "\"}")
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // the test fails on what it did not see
                }
            });
            Dialer dialer = new Dialer(ProxyRules.fixed(OutboundProxy.parse("127.0.0.1:" + proxy.getLocalPort())));
            PublicKey got = ControlClient.fetchServerKey(URI.create("http://control.invalid:8080/prefix/"),
                    Duration.ofSeconds(5), ControlClient.defaultTls(), dialer);
            assertThat(got).isEqualTo(key);
        }
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).method() + " " + seen.get(0).target()).isEqualTo("CONNECT control.invalid:8080");
        assertThat(seen.get(1).method() + " " + seen.get(1).target() + " " + seen.get(1).version())
                .isEqualTo("GET /prefix/key?v=" + ControlClient.CAPABILITY_VERSION + " HTTP/1.0");
        assertThat(seen.get(1).field("host")).contains("control.invalid:8080");
    }

    @Test
    void aServerTricklingItsKeyCostsTheTimeoutOnly() throws Exception {
        // A body byte every 100 ms never trips the 1 s read timeout; 64 KiB of it would take nearly two hours.
        try (TrickleServer control = TrickleServer.start("HTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                (byte) ' ', Duration.ofMillis(100))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> ControlClient.fetchServerKey(
                    URI.create("http://127.0.0.1:" + control.port()), Duration.ofSeconds(1), ControlClient.defaultTls(),
                    Dialer.direct())))
                    .isInstanceOf(HttpTimeoutException.class).hasMessageContaining("within PT1S");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void aProxyRefusalReachesTheCallerAsItsOwnLine() throws Exception {
        try (ServerSocket proxy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.startVirtualThread(() -> {
                try (Socket s = proxy.accept()) {
                    HttpHeadReader.readRequest(s.getInputStream(), LIMITS);
                    s.getOutputStream().write("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().read();
                } catch (Exception e) {
                    // the test is over
                }
            });
            Dialer dialer = new Dialer(ProxyRules.fixed(OutboundProxy.parse("http://ann:wrong@127.0.0.1:"
                    + proxy.getLocalPort())));
            assertThatThrownBy(() -> ControlClient.fetchServerKey(URI.create("https://control.invalid"),
                    Duration.ofSeconds(5), ControlClient.defaultTls(), dialer))
                    .isInstanceOf(ProxyException.class)
                    .hasMessageContaining("wants a valid user name and password (407 Proxy Authentication Required)")
                    .hasMessageNotContaining("wrong");
        }
    }
}
