package io.microlink.derp;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.ControlClient;
import io.microlink.control.wire.DerpMap;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A relay that logs us in and then stops reading must not block the sender. */
class DerpClientQueueTest {
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aStalledRelayCostsDroppedPacketsNotABlockedCaller() throws Exception {
        PrivateKey serverKey = PrivateKey.generate(KeyKind.NODE);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread relay = Thread.startVirtualThread(() -> stalledRelay(server, serverKey));
            DerpMap.DerpNode node = new DerpMap.DerpNode("stalled", 1, "127.0.0.1", null, "127.0.0.1", null, 0, false,
                    server.getLocalPort(), false);
            try (DerpClient client = DerpClient.connect(node, DerpClient.Transport.PLAIN_HTTP,
                    ControlClient.defaultTls(), PrivateKey.generate(KeyKind.NODE), (f, p) -> { }, () -> { },
                    Duration.ofSeconds(5))) {
                PublicKey peer = PrivateKey.generate(KeyKind.NODE).publicKey();
                byte[] packet = new byte[1200];
                for (int i = 0; i < 20_000; i++) { // 24 MB: far more than any socket buffer
                    client.send(peer, packet);
                }
                assertThat(client.droppedSends()).isPositive();
            }
            relay.interrupt();
        }
    }

    /** Speaks just enough DERP to log a client in, then never reads again. */
    private static void stalledRelay(ServerSocket server, PrivateKey serverKey) {
        try (Socket s = server.accept()) {
            FakeRelay.login(s, serverKey);
            Thread.sleep(60_000); // stalled: reads nothing more
        } catch (Exception e) {
            // the test is over
        }
    }
}
