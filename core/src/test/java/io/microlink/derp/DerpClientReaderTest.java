package io.microlink.derp;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.ControlClient;
import io.microlink.control.wire.DerpMap;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The DERP reader survives a frame whose handling throws, and the server's health text cannot forge or flood the log. */
class DerpClientReaderTest {
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aPacketWhoseHandlingThrowsIsDroppedAndTheNextIsDeliveredAndHealthIsEscapedAndLoggedOnce() throws Exception {
        PrivateKey serverKey = PrivateKey.generate(KeyKind.NODE);
        PublicKey peer = PrivateKey.generate(KeyKind.NODE).publicKey();
        String forged = "dup client\r\n2026-01-01 SEVERE admin password is hunter2\u001b[2J" + "x".repeat(10_000);
        List<String> delivered = new CopyOnWriteArrayList<>();
        CountDownLatch good = new CountDownLatch(1);
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r.getParameters() == null ? r.getMessage()
                            : java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger("io.microlink.derp");
        logger.addHandler(capture);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.startVirtualThread(() -> {
                try (Socket s = server.accept()) {
                    FakeRelay.login(s, serverKey);
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < 100; i++) {
                        out.write(DerpFrame.encode(FrameType.RECV_PACKET, packetFrom(peer, "poison")));
                    }
                    for (int i = 0; i < 100; i++) {
                        out.write(DerpFrame.encode(FrameType.HEALTH, forged.getBytes(StandardCharsets.UTF_8)));
                    }
                    out.write(DerpFrame.encode(FrameType.RECV_PACKET, packetFrom(peer, "good")));
                    out.flush();
                    Thread.sleep(30_000);
                } catch (Exception e) {
                    // the test is over
                }
            });
            DerpMap.DerpNode node = new DerpMap.DerpNode("fake", 1, "127.0.0.1", null, "127.0.0.1", null, 0, false,
                    server.getLocalPort(), false);
            try (DerpClient client = DerpClient.connect(node, DerpClient.Transport.PLAIN_HTTP,
                    ControlClient.defaultTls(), PrivateKey.generate(KeyKind.NODE), (from, packet) -> {
                        String text = new String(packet, StandardCharsets.US_ASCII);
                        if (text.equals("poison")) {
                            throw new IllegalStateException("a bug of ours, triggered by this packet");
                        }
                        delivered.add(text);
                        good.countDown();
                    }, () -> { }, Duration.ofSeconds(5))) {
                assertThat(good.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(client.isConnected()).isTrue();
                assertThat(client.droppedFrames()).isEqualTo(100);
            }
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(delivered).containsExactly("good");
        List<String> health = warnings.stream().filter(w -> w.startsWith("DERP server reports")).toList();
        assertThat(health).singleElement().satisfies(w -> {
            assertThat(w).doesNotContain("\r", "\n", "\u001b").contains("\\u000d\\u000a2026-01-01");
            assertThat(w.length()).isLessThan(400);
        });
        assertThat(warnings.stream().filter(w -> w.startsWith("dropped "))).hasSize(1);
    }

    private static byte[] packetFrom(PublicKey source, String text) {
        byte[] body = text.getBytes(StandardCharsets.US_ASCII);
        byte[] payload = java.util.Arrays.copyOf(source.raw(), 32 + body.length);
        System.arraycopy(body, 0, payload, 32, body.length);
        return payload;
    }
}
