package io.microlink.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.microlink.http.HttpHead;
import io.microlink.http.HttpHeadReader;
import io.microlink.outbound.Dialer;
import io.microlink.outbound.TrickleServer;
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

/** The HEAD answer to control's ping: sent to control's own URL only, path and query as given. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeadPingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void theHeadGoesToThePingUrlOnControl() throws Exception {
        List<HttpHead.Request> seen = new CopyOnWriteArrayList<>();
        try (ServerSocket control = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.startVirtualThread(() -> {
                try (Socket s = control.accept()) {
                    seen.add(HttpHeadReader.readRequest(s.getInputStream(), HttpHeadReader.Limits.of(8192)));
                    s.getOutputStream().write("HTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // the test fails on what it did not see
                }
            });
            String base = "http://127.0.0.1:" + control.getLocalPort();
            int status = HeadPing.send(URI.create(base), base + "/machine/ping-response?id=a1b2", TIMEOUT,
                    ControlClient.defaultTls(), Dialer.direct());
            assertThat(status).isEqualTo(200);
        }
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().method()).isEqualTo("HEAD");
        assertThat(seen.getFirst().target()).isEqualTo("/machine/ping-response?id=a1b2");
    }

    @Test
    void aServerTricklingItsAnswerCostsTheTimeoutOnly() throws Exception {
        // A header byte every 100 ms never trips a 1 s read timeout, and the 16 KiB head limit takes half an hour.
        try (TrickleServer control = TrickleServer.start("HTTP/1.0 200 OK\r\nX: ".getBytes(StandardCharsets.US_ASCII),
                (byte) 'a', Duration.ofMillis(100))) {
            String base = "http://127.0.0.1:" + control.port();
            long start = System.nanoTime();
            assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> HeadPing.send(URI.create(base),
                    base + "/machine/ping-response?id=1", Duration.ofSeconds(1), ControlClient.defaultTls(),
                    Dialer.direct())))
                    .isInstanceOf(HttpTimeoutException.class).hasMessageContaining("within PT1S");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void aUrlOffTheControlServerIsNotFollowed() {
        URI control = URI.create("https://control.example:443/");
        for (String url : List.of("https://elsewhere.example/machine/ping-response?id=1",
                "https://control.example:8443/machine/ping-response?id=1",
                "http://control.example/machine/ping-response?id=1",
                "https://user@control.example/x", "not a url", "/relative")) {
            assertThatThrownBy(() -> HeadPing.send(control, url, TIMEOUT, ControlClient.defaultTls(), Dialer.direct()))
                    .as(url).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
