package io.microlink.host.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.socket.TailnetServerSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slowloris against the proxies: one source opens many connections and trickles their
 * handshakes a byte at a time. It keeps at most its per-source share of handshakes, each cut
 * at the whole-handshake deadline, and a client from another address is served at once.
 */
@Timeout(60)
class SlowClientsTest {
    private static final InetAddress ATTACKER = InetAddress.ofLiteral("127.0.0.1");
    private static final InetAddress OTHER = InetAddress.ofLiteral("127.0.0.2");
    private static final int SLOW_CLIENTS = 120;
    private static final Duration HANDSHAKE = Duration.ofSeconds(3);

    private final ProxyTestPeer tailnet = new ProxyTestPeer();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Socket> slow = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        stop.set(true);
        for (Socket s : slow) {
            s.close();
        }
        tailnet.close();
    }

    private static ProxySettings settings() {
        // A global cap below the attacker's count, as on a busy machine: without the per-source
        // limit every slot (and every refusal slot) would be the attacker's.
        return ProxyTestPeer.settings().withMaxConnections(64).withHandshakeTimeout(HANDSHAKE);
    }

    private static Socket from(InetAddress source, InetSocketAddress proxy) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(proxy, 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Opens the attacker's connections, each sending {@code bytes} one every 300 ms, forever. */
    private void trickle(InetSocketAddress proxy, byte[] bytes) throws IOException {
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            Socket s = from(ATTACKER, proxy);
            slow.add(s);
            Thread.startVirtualThread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int j = 0; !stop.get(); j = (j + 1) % bytes.length) {
                        out.write(bytes[j]);
                        Thread.sleep(300);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the proxy: what the test wants
                }
            });
        }
    }

    /** How many of the attacker's connections the proxy still holds open after {@code wait}. */
    private int stillOpen(Duration wait) throws IOException, InterruptedException {
        Thread.sleep(wait.toMillis());
        int open = 0;
        for (Socket s : slow) {
            s.setSoTimeout(20);
            try {
                InputStream in = s.getInputStream();
                while (in.read() >= 0) {
                    // an answer, then the end
                }
            } catch (SocketTimeoutException e) {
                open++;
            } catch (IOException e) {
                // reset: closed
            }
        }
        return open;
    }

    @Test
    void socks5ServesAnotherSourceWhileOneTricklesManyHandshakes() throws Exception {
        try (TailnetServerSocket server = tailnet.serve(7, ProxyTestPeer::echo);
             Socks5Proxy proxy = Socks5Proxy.start(tailnet.dialer, settings())) {
            // A greeting and a request that never ends: the domain name is longer than what comes.
            trickle(proxy.address(), HexFormat.of().parseHex("050100050100037f" + "61".repeat(200)));
            Thread.sleep(500);
            long start = System.nanoTime();
            try (Socket s = from(OTHER, proxy.address())) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(HexFormat.of().parseHex("050100" + "050100030470656572" + "0007"));
                assertThat(HexFormat.of().formatHex(ProxyTestPeer.readN(in, 12))).startsWith("05000500");
                out.write("ok".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(in.readAllBytes()).isEqualTo("ok".getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(stillOpen(Duration.ofMillis(100))).as("the attacker's handshakes held open")
                    .isLessThanOrEqualTo(ProxySettings.DEFAULT_MAX_HANDSHAKES_PER_SOURCE);
            // A byte every 300 ms keeps no slot past the deadline of the whole handshake.
            assertThat(stillOpen(HANDSHAKE.plusSeconds(2))).isZero();
        }
    }

    @Test
    void theHttpProxyServesAnotherSourceWhileOneTricklesManyHeads() throws Exception {
        try (TailnetServerSocket server = tailnet.serve(443, ProxyTestPeer::echo);
             HttpProxy proxy = HttpProxy.start(tailnet.dialer, settings())) {
            trickle(proxy.address(), "CONNECT peer:443 HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                    .getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(500);
            long start = System.nanoTime();
            try (Socket s = from(OTHER, proxy.address())) {
                s.getOutputStream().write("CONNECT peer:443 HTTP/1.1\r\nHost: peer:443\r\n\r\nok"
                        .getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("HTTP/1.1 200 Connection established\r\n\r\nok");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(stillOpen(Duration.ofMillis(100))).isLessThanOrEqualTo(
                    ProxySettings.DEFAULT_MAX_HANDSHAKES_PER_SOURCE);
        }
    }
    @Test
    void aClientTricklingBytesAfterItsAnswerLosesItsSlotWithinTheDrainTime() throws Exception {
        try (TailnetServerSocket server = tailnet.serve(443, ProxyTestPeer::echo);
             HttpProxy proxy = HttpProxy.start(tailnet.dialer, ProxyTestPeer.settings().withMaxConnections(1))) {
            Socket trickler = from(ATTACKER, proxy.address());
            slow.add(trickler);
            trickler.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(trickler.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .startsWith("HTTP/1.1 405 ");
            Thread.startVirtualThread(() -> {
                try {
                    while (!stop.get()) {
                        trickler.getOutputStream().write('x');
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException e) {
                    // reset by the proxy
                }
            });
            Thread.sleep(2500);
            try (Socket s = from(OTHER, proxy.address())) {
                s.getOutputStream().write("CONNECT peer:443 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("HTTP/1.1 200 Connection established\r\n\r\n");
            }
        }
    }
}
