package io.microlink.control;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** An error body from control reaches messages and logs escaped and bounded. */
class ControlErrorTextTest {
    @Test
    void anErrorBodyWithLineBreaksAndEscapesIsEscapedAndCut() throws Exception {
        String body = "bad\r\nFAKE LOG LINE\u001b[31m" + "y".repeat(5000);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.startVirtualThread(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().readNBytes(1); // the request has begun
                    byte[] b = body.getBytes(StandardCharsets.UTF_8);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Length: " + b.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(b);
                    out.flush();
                    Thread.sleep(1000);
                } catch (Exception e) {
                    // the test is over
                }
            });
            URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort());
            assertThatThrownBy(() -> ControlClient.fetchServerKey(uri, Duration.ofSeconds(5)))
                    .isInstanceOf(ControlHttpException.class)
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage())
                            .doesNotContain("\r", "\n", "\u001b")
                            .contains("bad\\u000d\\u000aFAKE LOG LINE\\u001b[31m")
                            .hasSizeLessThan(400));
        }
    }
}
