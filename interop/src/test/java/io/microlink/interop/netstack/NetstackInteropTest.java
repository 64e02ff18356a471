package io.microlink.interop.netstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.AddressText;
import io.microlink.TailnetNode;
import io.microlink.interop.Await;
import io.microlink.interop.ByteServer;
import io.microlink.interop.Exec;
import io.microlink.interop.Iptables;
import io.microlink.interop.PingReply;
import io.microlink.interop.Socks5UdpAssociation;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.TestTailnet;
import io.microlink.netstack.socket.TailnetDatagramSocket;
import io.microlink.netstack.socket.TailnetServerSocket;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
        java = tailnet.addJavaNode("java-net", real);
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
    void theJavaNodeDialsAPortTheRealNodeForwardsAndMoves100MegabytesEachWay() throws Exception {
        long size = 100L * 1024 * 1024;
        try (ByteServer server = new ByteServer()) {
            for (boolean upload : new boolean[] {true, false}) {
                try (TailnetSocket s = java.dial("real", server.port(), Duration.ofSeconds(20))) {
                    assertThat(ByteServer.transfer(s.getInputStream(), s.getOutputStream(), upload, size, 5))
                            .as(upload ? "sent" : "received").isEqualTo(ByteServer.expectedDigest(size, 5));
                }
            }
        }
    }

    @Test
    void a100MegabyteEchoRunsBothDirectionsAtOnceWithoutStalling() throws Exception {
        // This stalled for minutes while magicsock's UDP socket had the kernel's default buffers:
        // bursts overflowed them and TCP backed off as if the path were congested.
        try (TcpEchoServer echo = new TcpEchoServer()) {
            assertThat(echoedDigest(echo.port(), 100 * 1024 * 1024, 9)).isEqualTo(digestOf(100 * 1024 * 1024, 9));
        }
    }

    @Test
    void fiftyParallelConnectionsAllComeBackIntact() throws Exception {
        try (TcpEchoServer echo = new TcpEchoServer()) {
            List<Thread> threads = new ArrayList<>();
            ConcurrentHashMap<Integer, String> results = new ConcurrentHashMap<>();
            for (int i = 0; i < 50; i++) {
                int seed = 100 + i;
                threads.add(Thread.startVirtualThread(() -> {
                    try {
                        results.put(seed, echoedDigest(echo.port(), 256 * 1024, seed));
                    } catch (Exception e) {
                        results.put(seed, "failed: " + e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(WAIT.multipliedBy(2));
            }
            for (int i = 0; i < 50; i++) {
                assertThat(results.get(100 + i)).as("connection %d", i).isEqualTo(digestOf(256 * 1024, 100 + i));
            }
        }
    }

    @Test
    void transfersCompleteOverALossyPath() throws Exception {
        // 5% of the tunnel's UDP dropped each way. (This kernel has no netem, so no added delay.)
        String port = Integer.toString(java.udpPort());
        try (Iptables.Rule in = Iptables.add("INPUT", "-p", "udp", "--dport", port, "-m", "statistic", "--mode",
                "random", "--probability", "0.05", "-j", "DROP");
             Iptables.Rule out = Iptables.add("OUTPUT", "-p", "udp", "--sport", port, "-m", "statistic", "--mode",
                     "random", "--probability", "0.05", "-j", "DROP");
             TcpEchoServer echo = new TcpEchoServer()) {
            assertThat(echoedDigest(echo.port(), 8 * 1024 * 1024, 3)).isEqualTo(digestOf(8 * 1024 * 1024, 3));
        }
    }

    @Test
    void curlThroughTheRealNodesSocks5ProxyFetchesAPageTheJavaNodeServes() throws Exception {
        String javaIp = AddressText.of(java.tailnet().self().orElseThrow().addresses().getFirst());
        try (TailnetServerSocket server = java.listen(8080)) {
            Thread.startVirtualThread(() -> serveOnePage(server, "served by the Java node\n"));
            Exec.Result r = Exec.run(Duration.ofSeconds(30), List.of("curl", "-sS", "--max-time", "20",
                    "--socks5", "127.0.0.1:" + real.socks5Port(), "http://" + javaIp + ":8080/hello"));
            assertThat(r.requireSuccess().stdout()).isEqualTo("served by the Java node\n");
        }
    }

    /**
     * Sends {@code size} seeded random bytes through an echo server on the real node and returns the
     * digest of what came back; when the writer failed, its exception and the Java node's TCP
     * refusals follow the digest, so that a short echo says why.
     */
    private static String echoedDigest(int port, int size, long seed) throws Exception {
        try (TailnetSocket s = java.dial("real", port, Duration.ofSeconds(20))) {
            AtomicReference<Exception> writeFailure = new AtomicReference<>();
            Thread writer = Thread.startVirtualThread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    Random random = new Random(seed);
                    byte[] chunk = new byte[65536];
                    for (int sent = 0; sent < size; sent += chunk.length) {
                        random.nextBytes(chunk);
                        out.write(chunk, 0, Math.min(chunk.length, size - sent));
                    }
                    s.shutdownOutput();
                } catch (Exception e) {
                    writeFailure.set(e);
                    s.close();
                }
            });
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            InputStream in = s.getInputStream();
            long received = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
                received += n;
            }
            writer.join(WAIT);
            String hex = HexFormat.of().formatHex(digest.digest());
            if (writeFailure.get() == null && received == size) {
                return hex;
            }
            return hex + " (" + received + " of " + size + " bytes back; writer: " + writeFailure.get()
                    + "; Java node's drops: " + java.metrics().dropped() + ")";
        }
    }

    private static String digestOf(int size, long seed) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(seed);
        byte[] chunk = new byte[65536];
        for (int done = 0; done < size; done += chunk.length) {
            random.nextBytes(chunk);
            digest.update(chunk, 0, Math.min(chunk.length, size - done));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void serveOnePage(TailnetServerSocket server, String body) {
        try (TailnetSocket c = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream()));
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                // skip the request head
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            c.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + b.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            c.getOutputStream().write(b);
            c.shutdownOutput();
        } catch (Exception e) {
            // the test's assertion reports what curl saw
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

    @Test
    void udpFromTheRealNodeReachesAJavaReceiveCallbackAndTheReplyGoesBack() throws Exception {
        InetAddress javaIp = InetAddress.getByName(real.ip("-4", "java-net").getFirst());
        InetAddress realIp = java.resolve("real").getFirst();
        ConcurrentHashMap<InetSocketAddress, Boolean> senders = new ConcurrentHashMap<>();
        try (TailnetDatagramSocket udp = java.bindUdp(9000);
             Socks5UdpAssociation viaReal = Socks5UdpAssociation.open(real.socks5Port())) {
            udp.onReceive(d -> {
                senders.put(d.sender(), true);
                udp.send(d.sender(), d.data());
            });
            byte[] payload = "udp that tailscaled started".getBytes();
            Socks5UdpAssociation.Reply reply = Await.result(WAIT, "a UDP echo of a datagram tailscaled sent", () -> {
                try {
                    viaReal.send(new InetSocketAddress(javaIp, 9000), payload);
                    return viaReal.receive(Duration.ofSeconds(1));
                } catch (Exception e) {
                    return null;
                }
            });
            assertThat(reply.data()).isEqualTo(payload);
            assertThat(reply.from()).isEqualTo(new InetSocketAddress(javaIp, 9000));
            assertThat(senders.keySet()).extracting(InetSocketAddress::getAddress).containsOnly(realIp);
        }
    }

    @Test
    void theJavaNodesIcmpPingIsAnsweredByTheRealNode() throws Exception {
        Duration rtt = Await.result(WAIT, "an ICMP echo reply from the real node", () -> {
            try {
                return java.icmpPing("real", Duration.ofSeconds(2));
            } catch (Exception e) {
                return null;
            }
        });
        assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(2));
        assertThatThrownBy(() -> java.icmpPing("100.64.255.254", Duration.ofMillis(300))) // nobody's address
                .isInstanceOf(NoRouteToHostException.class).hasMessageContaining("not the address of any peer");
    }

    @Test
    void aJavaNetSocketFromTheSocketFactoryTalksToTheRealNodeByName() throws Exception {
        try (TcpEchoServer echo = new TcpEchoServer();
             Socket s = java.socketFactory().createSocket("real", echo.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("plain java.net.Socket\n".getBytes());
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).isEqualTo("plain java.net.Socket");
            assertThat(s.getInetAddress()).isEqualTo(java.resolve("real").getFirst());
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
}
