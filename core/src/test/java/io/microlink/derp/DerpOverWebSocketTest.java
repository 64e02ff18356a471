package io.microlink.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.control.ControlClient;
import io.microlink.control.wire.DerpMap;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** DERP over a WebSocket, asked for or as the fallback when {@code Upgrade: DERP} is refused. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DerpOverWebSocketTest {
    private static final PrivateKey SERVER = PrivateKey.generate(KeyKind.NODE);
    private static final PublicKey PEER = PrivateKey.generate(KeyKind.NODE).publicKey();

    /** What one connection to the fake relay does, given the request head it read. */
    @FunctionalInterface
    private interface Answer {
        void serve(String request, InputStream in, OutputStream out) throws Exception;
    }

    /** A relay on loopback answering its connections in turn; the request heads it saw are in {@code requests}. */
    private static final class Relay implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        final List<String> requests = new CopyOnWriteArrayList<>();

        Relay(Answer... answers) throws Exception {
            Thread.startVirtualThread(() -> {
                for (Answer a : answers) {
                    try (Socket s = server.accept()) {
                        InputStream in = new BufferedInputStream(s.getInputStream());
                        String request = FakeWebSocketServer.readHead(in);
                        requests.add(request);
                        a.serve(request, in, s.getOutputStream());
                    } catch (Exception e) {
                        // the client went away; the test says what it expected
                    }
                }
            });
        }

        DerpMap.DerpNode node() {
            return new DerpMap.DerpNode("fake", 1, "127.0.0.1", null, "127.0.0.1", null, 0, false,
                    server.getLocalPort(), false);
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    /** Accepts the WebSocket, logs the client in through it and relays one packet to it. */
    private static void webSocketRelay(String request, InputStream in, OutputStream out) throws Exception {
        out.write(FakeWebSocketServer.accept(request));
        // A ping before anything else: the client must answer it and read on.
        out.write(FakeWebSocketServer.frame(WebSocketFrame.PING, true, "p".getBytes(StandardCharsets.US_ASCII)));
        OutputStream ws = FakeWebSocketServer.serverBytes(out);
        FakeRelay.loginAfterUpgrade(FakeWebSocketServer.clientBytes(in), ws, SERVER);
        byte[] payload = java.util.Arrays.copyOf(PEER.raw(), 32 + 5);
        System.arraycopy("hello".getBytes(StandardCharsets.US_ASCII), 0, payload, 32, 5);
        ws.write(DerpFrame.encode(FrameType.RECV_PACKET, payload));
        ws.flush();
        Thread.sleep(10_000);
    }

    private static void refuse(String request, InputStream in, OutputStream out) throws Exception {
        out.write(("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static DerpClient connect(DerpMap.DerpNode node, DerpClient.Transport transport,
                                      BlockingQueue<String> received) throws Exception {
        return DerpClient.connect(node, transport, ControlClient.defaultTls(), PrivateKey.generate(KeyKind.NODE),
                (from, packet) -> received.add(from.equals(PEER) + ":" + new String(packet, StandardCharsets.US_ASCII)),
                () -> { }, Duration.ofSeconds(5));
    }

    @Test
    void askedForAWebSocketTheClientLogsInThroughItAndReceivesPackets() throws Exception {
        BlockingQueue<String> received = new ArrayBlockingQueue<>(4);
        try (Relay relay = new Relay(DerpOverWebSocketTest::webSocketRelay);
             DerpClient client = connect(relay.node(), DerpClient.Transport.PLAIN_HTTP.webSocket(true), received)) {
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("true:hello");
            assertThat(client.isConnected()).isTrue();
            String request = relay.requests.getFirst();
            assertThat(request).startsWith("GET /derp HTTP/1.1\r\n");
            assertThat(FakeWebSocketServer.field(request, "Upgrade")).isEqualTo("websocket");
            assertThat(FakeWebSocketServer.field(request, "Sec-WebSocket-Protocol")).isEqualTo("derp");
            assertThat(FakeWebSocketServer.field(request, "Sec-WebSocket-Version")).isEqualTo("13");
            assertThat(java.util.Base64.getDecoder().decode(FakeWebSocketServer.field(request, "Sec-WebSocket-Key")))
                    .hasSize(16);
        }
    }

    @Test
    void whenUpgradeDerpIsRefusedTheClientAsksAgainForAWebSocket() throws Exception {
        BlockingQueue<String> received = new ArrayBlockingQueue<>(4);
        try (Relay relay = new Relay(DerpOverWebSocketTest::refuse, DerpOverWebSocketTest::webSocketRelay);
             DerpClient client = connect(relay.node(), DerpClient.Transport.PLAIN_HTTP, received)) {
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("true:hello");
            assertThat(relay.requests).hasSize(2);
            assertThat(FakeWebSocketServer.field(relay.requests.get(0), "Upgrade")).isEqualTo("DERP");
            assertThat(FakeWebSocketServer.field(relay.requests.get(1), "Upgrade")).isEqualTo("websocket");
        }
    }

    @Test
    void aRefusedWebSocketIsOneClearLine() throws Exception {
        try (Relay relay = new Relay(DerpOverWebSocketTest::refuse, DerpOverWebSocketTest::refuse)) {
            assertThatThrownBy(() -> connect(relay.node(), DerpClient.Transport.PLAIN_HTTP, new ArrayBlockingQueue<>(1)))
                    .isInstanceOf(UpgradeRefusedException.class)
                    .hasMessage("DERP server fake refused the WebSocket upgrade: HTTP/1.1 426 Upgrade Required");
            assertThat(relay.requests).hasSize(2);
        }
    }

    @Test
    void aWrongAcceptOrAMissingSubprotocolIsRefused() throws Exception {
        Answer wrongAccept = (request, in, out) -> out.write(FakeWebSocketServer.accept(request.replace(
                FakeWebSocketServer.field(request, "Sec-WebSocket-Key"), "dGhlIHNhbXBsZSBub25jZQ==")));
        Answer noProtocol = (request, in, out) -> out.write(new String(FakeWebSocketServer.accept(request),
                StandardCharsets.US_ASCII).replace("Sec-WebSocket-Protocol: derp\r\n", "")
                .getBytes(StandardCharsets.US_ASCII));
        DerpClient.Transport ws = DerpClient.Transport.PLAIN_HTTP.webSocket(true);
        try (Relay relay = new Relay(wrongAccept, noProtocol)) {
            assertThatThrownBy(() -> connect(relay.node(), ws, new ArrayBlockingQueue<>(1)))
                    .isInstanceOf(DerpProtocolException.class).hasMessageContaining("wrong Sec-WebSocket-Accept");
            assertThatThrownBy(() -> connect(relay.node(), ws, new ArrayBlockingQueue<>(1)))
                    .isInstanceOf(DerpProtocolException.class).hasMessageContaining("\"derp\" WebSocket subprotocol");
        }
    }
}
