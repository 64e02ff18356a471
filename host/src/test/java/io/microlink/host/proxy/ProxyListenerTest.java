package io.microlink.host.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The accept loop survives sessions that throw: each such client is closed and counted, with one warning. */
@Timeout(30)
class ProxyListenerTest {
    @Test
    void aSessionThatThrowsIsDroppedCountedAndLoggedOnceAndTheNextClientIsServed() throws Exception {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger jul = Logger.getLogger("io.microlink.proxy");
        jul.addHandler(capture);
        AtomicInteger calls = new AtomicInteger();
        ProxyListener.Session failingFirst = client -> {
            if (calls.incrementAndGet() <= 5) {
                throw new IllegalStateException("injected failure " + calls.get());
            }
            client.handshakeDone();
            client.socket().getOutputStream().write("served".getBytes(StandardCharsets.US_ASCII));
        };
        try (ProxyListener listener = ProxyListener.start("test", ProxyTestPeer.settings(), failingFirst)) {
            for (int i = 0; i < 5; i++) {
                try (Socket s = ProxyTestPeer.connect(listener.address())) {
                    assertThat(s.getInputStream().read()).as("a failed client is closed").isEqualTo(-1);
                }
            }
            try (Socket s = ProxyTestPeer.connect(listener.address())) {
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("served");
            }
            assertThat(listener.droppedConnections()).isEqualTo(5);
            assertThat(warnings).as("one warning per interval, however many fail").hasSize(1);
            assertThat(warnings.getFirst().getThrown()).hasMessage("injected failure 1");
        } finally {
            jul.removeHandler(capture);
        }
    }
}
