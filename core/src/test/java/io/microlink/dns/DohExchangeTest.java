package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.netstack.socket.StreamConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DohExchangeTest {
    private static final byte[] QUERY = {0x12, 0x34, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\nContent-Length: 12\r\n\r\n";

    /** A one-connection server on loopback: reads the request head, then writes {@code response} a byte every {@code gapMillis}. */
    private static ServerSocket server(byte[] response, long gapMillis) throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (listener; Socket s = listener.accept()) {
                InputStream in = s.getInputStream();
                in.readNBytes(DohMessages.request((InetSocketAddress) s.getLocalSocketAddress(), QUERY).length);
                OutputStream out = s.getOutputStream();
                for (byte b : response) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(gapMillis);
                }
                Thread.sleep(10_000);
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        });
        return listener;
    }

    private static DohExchange connect(ServerSocket server) throws IOException {
        InetSocketAddress at = (InetSocketAddress) server.getLocalSocketAddress();
        return new DohExchange(StreamConnection.of(new Socket(at.getAddress(), at.getPort())), at);
    }

    @Test
    void anAnswerComesBackAsFromTheEndpointOnceOnly() throws Exception {
        byte[] answer = QUERY.clone();
        answer[2] = (byte) 0x81;
        byte[] response = (HEAD + new String(answer, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        try (ServerSocket server = server(response, 0); DohExchange e = connect(server)) {
            e.send(QUERY);
            UpstreamSockets.Received r = e.receive(Duration.ofSeconds(5));
            assertThat(r.message()).isEqualTo(answer);
            assertThat(r.from()).isEqualTo(server.getLocalSocketAddress());
            assertThatThrownBy(() -> e.receive(Duration.ofSeconds(1))).hasMessageContaining("one answer");
        }
    }

    /** Each byte within the socket's timeout, but the whole past the exchange's deadline: the deadline wins. */
    @Test
    void aPeerTricklingItsAnswerIsCutOffAtTheDeadline() throws Exception {
        try (ServerSocket server = server(HEAD.getBytes(StandardCharsets.ISO_8859_1), 100); DohExchange e = connect(server)) {
            e.send(QUERY);
            long start = System.nanoTime();
            assertThatThrownBy(() -> e.receive(Duration.ofMillis(700))).isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        }
    }
}
