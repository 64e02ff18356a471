package io.microlink.host.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream of refused clients (the flood a local process can make) is counted one by one, and
 * logged in at most one line per interval, not one line per client.
 */
@Timeout(30)
class ProxyRefusalsTest {
    private static final int CLIENTS = 40;
    private final ProxyTestPeer tailnet = new ProxyTestPeer();
    private final Logger logger = Logger.getLogger("io.microlink.proxy");
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.INFO.intValue()) {
                logged.add(new SimpleFormatter().formatMessage(r));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stop() {
        logger.removeHandler(capture);
        tailnet.close();
    }

    @Test
    void socks5ClientsWithTheWrongPasswordAreCountedAndLoggedOncePerInterval() throws Exception {
        ProxySettings settings = ProxyTestPeer.settings().withCredentials(ProxyCredentials.of("alice", "secret"));
        try (Socks5Proxy proxy = Socks5Proxy.start(tailnet.dialer, settings)) {
            logged.clear(); // the line saying it listens
            for (int i = 0; i < CLIENTS; i++) {
                try (Socket s = ProxyTestPeer.connect(proxy.address())) {
                    s.getOutputStream().write(HexFormat.of().parseHex("050102" + "0105616c696365" + "0577726f6e67"));
                    assertThat(s.getInputStream().readAllBytes()).containsExactly(5, 2, 1, 1);
                }
            }
            awaitCount(proxy::failedHandshakes);
            assertThat(logged).as("log lines for %d refused clients", CLIENTS).hasSize(1);
            assertThat(logged.getFirst()).contains("wrong username or password");
        }
    }

    @Test
    void httpProxyRefusalsAreCountedAndLoggedOncePerInterval() throws Exception {
        ProxySettings settings = ProxyTestPeer.settings().withCredentials(ProxyCredentials.of("alice", "secret"));
        try (HttpProxy proxy = HttpProxy.start(tailnet.dialer, settings)) {
            logged.clear();
            for (int i = 0; i < CLIENTS; i++) {
                try (Socket s = ProxyTestPeer.connect(proxy.address())) {
                    s.getOutputStream().write("CONNECT peer:80 HTTP/1.1\r\nHost: peer:80\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                            .startsWith("HTTP/1.1 407 ");
                }
            }
            awaitCount(proxy::failedHandshakes);
            assertThat(logged).as("log lines for %d refused clients", CLIENTS).hasSize(1);
        }
    }

    /** The listener counts a client once its session has ended, a moment after the client saw the close. */
    private static void awaitCount(LongSupplier counter) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (counter.getAsLong() < CLIENTS && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(counter.getAsLong()).as("failed handshakes counted").isEqualTo(CLIENTS);
    }
}
