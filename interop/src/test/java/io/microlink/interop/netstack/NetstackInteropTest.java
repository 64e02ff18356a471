package io.microlink.interop.netstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.NodeState;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.PingReply;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.TestTailnet;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java node's TCP/IP stack against a real tailscaled (userspace networking) on a test tailnet. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NetstackInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(45);

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static Tailscaled real;
    private static TailnetNode java;

    @BeforeAll
    static void joinBoth() {
        real = tailnet.addNode("real");
        java = TailnetNode.builder()
                .controlUrl(tailnet.headscale().url())
                .authKey(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key())
                .hostname("java-net")
                .stateDirectory(tailnet.dir().resolve("java-net"))
                .plainHttpDerpForTesting()
                .build();
        java.start();
        Await.until(WAIT, "the Java node to connect", () -> java.state() == NodeState.CONNECTED);
        Await.until(WAIT, "real to see java-net", () -> real.status().seesOnlineWithHomeDerp("java-net"));
        Await.until(WAIT, "java-net to see real", () -> java.netmap().resolve("real").isPresent());
    }

    @AfterAll
    static void stop() {
        if (java != null) {
            java.close();
        }
    }

    @Test
    void tailscaleNcReachesAJavaEchoServerAndGetsItsBytesBack() throws Exception {
        try (TailnetServerSocket server = java.listen(7000)) {
            Thread.startVirtualThread(() -> echoAll(server));
            byte[] message = "hello over the tailnet\n".getBytes();
            assertThat(real.nc("java-net", 7000, message, message.length, WAIT)).isEqualTo(message);
            byte[] big = new byte[256 * 1024];
            new Random(1).nextBytes(big);
            assertThat(real.nc("java-net", 7000, big, big.length, WAIT)).isEqualTo(big);
        }
    }

    @Test
    void aPortNobodyListensOnIsRefusedNotSilentlyDropped() {
        long start = System.nanoTime();
        Exec.Result r = real.cli(Duration.ofSeconds(30), "nc", "java-net", "7999");
        assertThat(r.succeeded()).isFalse();
        assertThat(r.stdout() + r.stderr()).contains("refused");
        // A RST, not a silence that only a timeout ends.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void tailscalePingIcmpIsAnswered() {
        List<PingReply> replies = real.ping("java-net", "--icmp", "-c", "1");
        assertThat(replies).isNotEmpty();
    }

    @Test
    void theJavaNodeDialsAPortTheRealNodeForwardsAndMovesDataBothWays() throws Exception {
        try (TcpEchoServer echo = new TcpEchoServer();
             TailnetSocket s = java.dial("real", echo.port(), Duration.ofSeconds(20))) {
            byte[] data = new byte[4 * 1024 * 1024];
            new Random(2).nextBytes(data);
            Thread writer = Thread.startVirtualThread(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = readAll(s.getInputStream(), data.length);
            writer.join(WAIT);
            assertThat(sha256(back)).isEqualTo(sha256(data));
        }
    }

    @Test
    void udpEchoThroughTheRealNode() throws Exception {
        try (DatagramSocket echo = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TailnetDatagramSocket udp = java.bindUdp(0)) {
            Thread.startVirtualThread(() -> {
                byte[] buf = new byte[2048];
                try {
                    while (true) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        echo.receive(p);
                        echo.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            InetAddress realIp = java.resolve("real").getFirst();
            byte[] payload = "udp across the tailnet".getBytes();
            TailnetDatagramSocket.Datagram reply = Await.result(WAIT, "a UDP echo", () -> {
                try {
                    udp.send(new InetSocketAddress(realIp, echo.getLocalPort()), payload);
                    return udp.receive(Duration.ofSeconds(1));
                } catch (Exception e) {
                    return null;
                }
            });
            assertThat(reply.data()).isEqualTo(payload);
            assertThat(reply.sender()).isEqualTo(new InetSocketAddress(realIp, echo.getLocalPort()));
        }
    }

    private static void echoAll(TailnetServerSocket server) {
        try {
            while (true) {
                TailnetSocket c = server.accept();
                Thread.startVirtualThread(() -> {
                    try (c) {
                        InputStream in = c.getInputStream();
                        OutputStream out = c.getOutputStream();
                        byte[] buf = new byte[16384];
                        for (int n; (n = in.read(buf)) > 0; ) {
                            out.write(buf, 0, n);
                        }
                    } catch (Exception e) {
                        // the client went away
                    }
                });
            }
        } catch (Exception e) {
            // server closed
        }
    }

    private static byte[] readAll(InputStream in, int expect) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(expect);
        byte[] buf = new byte[65536];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
