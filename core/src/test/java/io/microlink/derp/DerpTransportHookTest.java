package io.microlink.derp;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.DerpTransport;
import io.microlink.control.ControlClient;
import io.microlink.control.wire.DerpMap;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.outbound.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** DERP over an embedder's stream: plain, with our TLS over it, and over the embedder's own TLS. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DerpTransportHookTest {
    private static final String HOST = "relay.test";
    private static final PrivateKey SERVER = PrivateKey.generate(KeyKind.NODE);
    private static final PublicKey PEER = PrivateKey.generate(KeyKind.NODE).publicKey();

    /** Logs one client in and relays it one packet, then holds the connection. */
    private static void serveOne(ServerSocket server) {
        Thread.startVirtualThread(() -> {
            try (Socket s = server.accept()) {
                FakeRelay.login(s, SERVER);
                byte[] payload = java.util.Arrays.copyOf(PEER.raw(), 32 + 2);
                payload[32] = 'h';
                payload[33] = 'i';
                OutputStream out = s.getOutputStream();
                out.write(DerpFrame.encode(FrameType.RECV_PACKET, payload));
                out.flush();
                Thread.sleep(20_000);
            } catch (Exception e) {
                // the test is over
            }
        });
    }

    /** A node the hook alone can reach: its host name resolves nowhere, and it has no address. */
    private static DerpMap.DerpNode node(int port) {
        return new DerpMap.DerpNode("hooked", 1, HOST, null, null, null, 0, false, port, false);
    }

    private static void loginAndReceive(DerpClient.Transport transport, SSLContext tls, int port) throws Exception {
        BlockingQueue<String> received = new ArrayBlockingQueue<>(2);
        try (DerpClient client = DerpClient.connect(node(port), transport, tls, PrivateKey.generate(KeyKind.NODE),
                (from, packet) -> received.add(from.equals(PEER) + ":" + new String(packet, StandardCharsets.US_ASCII)),
                () -> { }, Duration.ofSeconds(10))) {
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("true:hi");
            assertThat(client.isConnected()).isTrue();
        }
    }

    /** A hook that reaches HOST at the loopback port it is asked for, noting what it was asked. */
    private static DerpTransport loopback(List<String> asked) {
        return (host, port, timeout) -> {
            asked.add(host + ":" + port);
            Socket s = new Socket();
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
            return DerpTransport.Stream.of(s.getInputStream(), s.getOutputStream(), s, false);
        };
    }

    @Test
    void plainDerpOverTheHooksStream() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOne(server);
            loginAndReceive(DerpClient.Transport.PLAIN_HTTP.over(loopback(asked)), ControlClient.defaultTls(),
                    server.getLocalPort());
            assertThat(asked).containsExactly(HOST + ":" + server.getLocalPort());
        }
    }

    @Test
    void theNodeRunsTlsOverTheHooksStreamAndChecksTheRelaysName(@TempDir Path dir) throws Exception {
        TestCertificates cert = TestCertificates.selfSigned(dir, HOST);
        List<String> asked = new CopyOnWriteArrayList<>();
        try (SSLServerSocket server = (SSLServerSocket) cert.server().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOne(server);
            loginAndReceive(DerpClient.Transport.TLS.over(loopback(asked)), cert.trustingIt(), server.getLocalPort());
            assertThat(asked).containsExactly(HOST + ":" + server.getLocalPort());
        }
    }

    @Test
    void aStreamThatIsAlreadySecureGetsNoSecondTls(@TempDir Path dir) throws Exception {
        TestCertificates cert = TestCertificates.selfSigned(dir, HOST);
        SSLContext embedderTls = cert.trustingIt();
        DerpTransport ownTls = (host, port, timeout) -> {
            SSLSocket s = (SSLSocket) embedderTls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
            s.startHandshake();
            return DerpTransport.Stream.of(s.getInputStream(), s.getOutputStream(), s, true);
        };
        try (SSLServerSocket server = (SSLServerSocket) cert.server().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOne(server);
            // The node's own TLS context trusts nothing of this relay: only the embedder's TLS can work.
            loginAndReceive(DerpClient.Transport.TLS.over(ownTls), ControlClient.defaultTls(), server.getLocalPort());
        }
    }

    /**
     * Logs one client in, sends it a keep-alive every 100 ms for {@code talking}, then holds the
     * connection without a byte and without closing it: a link that died silently.
     */
    private static void serveThenFallSilent(ServerSocket server, Duration talking) {
        Thread.startVirtualThread(() -> {
            try (Socket s = server.accept()) {
                FakeRelay.login(s, SERVER);
                long end = System.nanoTime() + talking.toNanos();
                while (System.nanoTime() < end) {
                    s.getOutputStream().write(DerpFrame.encode(FrameType.KEEP_ALIVE, new byte[0]));
                    s.getOutputStream().flush();
                    Thread.sleep(100);
                }
                Thread.sleep(30_000);
            } catch (Exception e) {
                // the test is over
            }
        });
    }

    /**
     * The relay keeps the hook's stream alive for 2 s with keep-alives, then goes silent: the
     * connection lives while they come (a silence bound of 1 s) and is reported lost, so that
     * the node reconnects, once they stop.
     */
    private static void silenceEndsTheConnection(DerpClient.Transport transport, SSLContext tls, ServerSocket server)
            throws Exception {
        serveThenFallSilent(server, Duration.ofSeconds(2));
        java.util.concurrent.CountDownLatch lost = new java.util.concurrent.CountDownLatch(1);
        try (DerpClient client = DerpClient.connect(node(server.getLocalPort()), transport, tls,
                io.microlink.outbound.Dialer.direct(), PrivateKey.generate(KeyKind.NODE), (from, packet) -> { },
                lost::countDown, Duration.ofSeconds(10), new DerpClient.Bounds(Duration.ofSeconds(1),
                        Duration.ofSeconds(15)))) {
            assertThat(lost.await(1500, TimeUnit.MILLISECONDS)).as("lost while keep-alives came").isFalse();
            assertThat(lost.await(15, TimeUnit.SECONDS)).as("lost once the relay fell silent").isTrue();
            assertThat(client.isConnected()).isFalse();
        }
    }

    @Test
    void aHookStreamThatFallsSilentIsGivenUpAsASilentRelayIs() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            silenceEndsTheConnection(DerpClient.Transport.PLAIN_HTTP.over(loopback(new CopyOnWriteArrayList<>())),
                    ControlClient.defaultTls(), server);
        }
    }

    @Test
    void theSilenceBoundHoldsUnderOurTlsOverTheHooksStream(@TempDir Path dir) throws Exception {
        TestCertificates cert = TestCertificates.selfSigned(dir, HOST);
        try (SSLServerSocket server = (SSLServerSocket) cert.server().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            silenceEndsTheConnection(DerpClient.Transport.TLS.over(loopback(new CopyOnWriteArrayList<>())),
                    cert.trustingIt(), server);
        }
    }

    /**
     * A hook whose stream takes our writes until {@code stall} is set, then blocks every write
     * until the stream is closed: a link (or relay) that stopped reading but still delivers.
     */
    private static DerpTransport stallingWrites(java.util.concurrent.atomic.AtomicBoolean stall) {
        return (host, port, timeout) -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
            java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
            OutputStream out = new java.io.FilterOutputStream(s.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (stall.get()) {
                        try {
                            closed.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new IOException("closed while the write was stuck");
                    }
                    this.out.write(b, off, len);
                }
            };
            return DerpTransport.Stream.of(s.getInputStream(), out, () -> {
                closed.countDown();
                s.close();
            }, false);
        };
    }

    @Test
    void aRelayThatStopsTakingOurFramesIsGivenUpThoughItStillSendsKeepAlives() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean stall = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch lost = new java.util.concurrent.CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveThenFallSilent(server, Duration.ofSeconds(30)); // keep-alives every 100 ms all along
            try (DerpClient client = DerpClient.connect(node(server.getLocalPort()),
                    DerpClient.Transport.PLAIN_HTTP.over(stallingWrites(stall)), ControlClient.defaultTls(),
                    io.microlink.outbound.Dialer.direct(), PrivateKey.generate(KeyKind.NODE), (from, packet) -> { },
                    lost::countDown, Duration.ofSeconds(10),
                    new DerpClient.Bounds(Duration.ofSeconds(5), Duration.ofMillis(500)))) {
                client.send(PEER, new byte[100]);
                assertThat(lost.await(1, TimeUnit.SECONDS)).as("alive while writes go through").isFalse();
                stall.set(true);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (lost.getCount() > 0 && System.nanoTime() < end && client.isConnected()) {
                    client.send(PEER, new byte[100]); // the first sticks in the writer, the rest fill the queue
                    Thread.sleep(1);
                }
                assertThat(lost.await(5, TimeUnit.SECONDS)).as("given up while keep-alives still came").isTrue();
                assertThat(client.droppedSends()).isPositive();
            }
        }
    }
}
