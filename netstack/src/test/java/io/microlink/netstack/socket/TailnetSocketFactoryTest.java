package io.microlink.netstack.socket;

import io.microlink.netstack.Headroom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.netstack.tcp.TcpConfig;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** java.net.Socket as libraries use it, over two stacks wired back to back. */
@Timeout(30)
class TailnetSocketFactoryTest {
    private final ExecutorService toB = Executors.newSingleThreadExecutor();
    private final ExecutorService toA = Executors.newSingleThreadExecutor();
    private Netstack a;
    private Netstack b;
    private InetAddress addressOfB;
    private TailnetSocketFactory factory;

    @BeforeEach
    void wire() throws Exception {
        InetAddress addressOfA = InetAddress.getByName("100.64.0.1");
        addressOfB = InetAddress.getByName("100.64.0.2");
        a = new Netstack(TcpConfig.defaults(), (buf, off, len) -> {
            byte[] p = Arrays.copyOfRange(buf, off, off + len); // the stack reuses its buffer
            toB.execute(() -> b.inbound(p, 0, p.length));
        }, Headroom.NONE);
        b = new Netstack(TcpConfig.defaults(), (buf, off, len) -> {
            byte[] p = Arrays.copyOfRange(buf, off, off + len);
            toA.execute(() -> a.inbound(p, 0, p.length));
        }, Headroom.NONE);
        a.setAddresses(List.of(addressOfA));
        b.setAddresses(List.of(addressOfB));
        // "b-host" stands for a MagicDNS name; the real node resolves with its netmap.
        factory = new TailnetSocketFactory((host, port, timeout) -> {
            if (!host.equals("b-host") && !host.equals(addressOfB.getHostAddress())) {
                throw new UnknownHostException(host);
            }
            return a.connect(addressOfB, port, timeout.toMillis());
        });
    }

    @AfterEach
    void stop() {
        toA.shutdownNow();
        toB.shutdownNow();
        a.close();
        b.close();
    }

    @Test
    void aSocketByNameCarriesBytesBothWaysAndHalfCloses() throws Exception {
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (TailnetServerSocket server = b.listen(80, 4)) {
            Thread echo = Thread.startVirtualThread(() -> {
                try (TailnetSocket c = server.accept()) {
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    c.getInputStream().transferTo(all); // ends with the client's shutdownOutput
                    received.set(all.toByteArray());
                    c.getOutputStream().write(all.toByteArray());
                } catch (Exception e) {
                    // the assertions below report it
                }
            });
            try (Socket s = factory.createSocket("b-host", 80)) {
                s.setTcpNoDelay(true);
                s.setKeepAlive(true);
                assertThat(s.getTcpNoDelay()).isTrue();
                assertThat(s.isConnected()).isTrue();
                assertThat(s.getInetAddress()).isEqualTo(addressOfB);
                assertThat(s.getPort()).isEqualTo(80);
                assertThat(s.getLocalAddress().getHostAddress()).isEqualTo("100.64.0.1");
                assertThat(s.getLocalPort()).isPositive();
                s.getOutputStream().write("over the tailnet".getBytes());
                s.shutdownOutput();
                assertThat(s.isOutputShutdown()).isTrue();
                assertThat(s.getInputStream().readAllBytes()).isEqualTo("over the tailnet".getBytes());
            }
            echo.join();
            assertThat(received.get()).isEqualTo("over the tailnet".getBytes());
        }
    }

    @Test
    void readTimeoutSetBeforeConnectApplies() throws Exception {
        try (TailnetServerSocket server = b.listen(81, 4); Socket s = factory.createSocket()) {
            s.setSoTimeout(200);
            s.connect(new InetSocketAddress(addressOfB, 81), 5_000);
            assertThat(s.getSoTimeout()).isEqualTo(200);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            server.accept().close();
        }
    }

    @Test
    void refusalsAndMisuseAreTheUsualExceptions() throws Exception {
        Socket refused = factory.createSocket();
        assertThatThrownBy(() -> refused.connect(new InetSocketAddress(addressOfB, 9), 5_000))
                .isInstanceOf(ConnectException.class);
        assertThat(refused.isClosed()).isTrue();
        assertThatThrownBy(() -> factory.createSocket("nowhere", 80)).isInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> factory.createSocket("b-host", 80, InetAddress.getLoopbackAddress(), 0))
                .isInstanceOf(SocketException.class).hasMessageContaining("bound");
    }
}
