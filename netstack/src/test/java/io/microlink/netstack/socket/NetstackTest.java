package io.microlink.netstack.socket;

import io.microlink.netstack.Headroom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.netstack.MalformedPacketException;
import io.microlink.netstack.icmp.IcmpEcho;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.ip.IpProtocol;
import io.microlink.netstack.tcp.TcpConfig;
import java.io.InputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two stacks wired back to back in one JVM: the socket layer's blocking, timeouts and refusals. */
@Timeout(30)
class NetstackTest {
    private static final InetAddress A = address("100.64.0.1");
    private static final InetAddress B = address("100.64.0.2");

    // Each direction is delivered on its own thread, as WireGuard's output and input are.
    private final ExecutorService toB = Executors.newSingleThreadExecutor();
    private final ExecutorService toA = Executors.newSingleThreadExecutor();
    private final LinkedBlockingQueue<byte[]> seenByA = new LinkedBlockingQueue<>();
    private Netstack a;
    private Netstack b;

    private final LinkedBlockingQueue<byte[]> seenByB = new LinkedBlockingQueue<>();

    private void wire(Predicate<byte[]> dropToB) {
        a = new Netstack(TcpConfig.defaults(), (buf, off, len) -> {
            byte[] p = Arrays.copyOfRange(buf, off, off + len); // the stack reuses its buffer
            toB.execute(() -> {
                seenByB.add(p);
                if (!dropToB.test(p)) {
                    b.inbound(p, 0, p.length);
                }
            });
        }, Headroom.NONE);
        b = new Netstack(TcpConfig.defaults(), (buf, off, len) -> {
            byte[] p = Arrays.copyOfRange(buf, off, off + len);
            toA.execute(() -> {
                seenByA.add(p);
                a.inbound(p, 0, p.length);
            });
        }, Headroom.NONE);
        a.setAddresses(List.of(A));
        b.setAddresses(List.of(B));
    }

    @AfterEach
    void stop() {
        toA.shutdownNow();
        toB.shutdownNow();
        if (a != null) {
            a.close();
            b.close();
        }
    }

    @Test
    void aMegabyteGoesThroughAndComesBackOverBlockingStreams() throws Exception {
        wire(p -> false);
        byte[] data = new byte[1024 * 1024];
        new Random(7).nextBytes(data);
        try (TailnetServerSocket server = b.listen(80, 8)) {
            Thread.startVirtualThread(() -> {
                try (TailnetSocket c = server.accept()) {
                    c.getInputStream().transferTo(c.getOutputStream());
                } catch (Exception e) {
                    // the test's assertion reports it
                }
            });
            try (TailnetSocket s = a.connect(B, 80, 5000)) {
                assertThat(s.getRemoteSocketAddress()).isEqualTo(new InetSocketAddress(B, 80));
                Thread.startVirtualThread(() -> {
                    try {
                        s.getOutputStream().write(data);
                        s.shutdownOutput();
                    } catch (Exception e) {
                        s.close();
                    }
                });
                assertThat(s.getInputStream().readAllBytes()).isEqualTo(data);
            }
        }
    }

    @Test
    void aClosedPortRefusesAtOnce() {
        wire(p -> false);
        assertThatThrownBy(() -> a.connect(B, 81, 5000)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("refused");
    }

    @Test
    void connectGivesUpAfterItsTimeoutWhenNothingAnswers() {
        wire(p -> true); // a black hole
        assertThatThrownBy(() -> a.connect(B, 80, 300)).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void aReadTimesOutWhenNothingArrives() throws Exception {
        wire(p -> false);
        try (TailnetServerSocket server = b.listen(80, 8); TailnetSocket s = a.connect(B, 80, 5000)) {
            s.setSoTimeout(200);
            InputStream in = s.getInputStream();
            assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void closingASocketEndsAReadBlockedOnAnotherThread() throws Exception {
        wire(p -> false);
        try (TailnetServerSocket server = b.listen(80, 8); TailnetSocket s = a.connect(B, 80, 5000)) {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread reader = Thread.startVirtualThread(() -> {
                try {
                    s.getInputStream().read();
                    failure.complete(null);
                } catch (Exception e) {
                    failure.complete(e);
                }
            });
            Thread.sleep(100); // let the reader block; the peer never sends or closes
            s.close();
            assertThat(failure.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(SocketException.class).hasMessageContaining("closed");
            reader.join();
        }
    }

    @Test
    void aPortIsBoundOnce() throws Exception {
        wire(p -> false);
        try (TailnetServerSocket server = b.listen(80, 8); TailnetDatagramSocket udp = b.bindUdp(53)) {
            assertThatThrownBy(() -> b.listen(80, 8)).isInstanceOf(BindException.class);
            assertThatThrownBy(() -> b.bindUdp(53)).isInstanceOf(BindException.class);
        }
    }

    @Test
    void udpDatagramsArriveWithTheirSenderAndUnboundPortsAnswerPortUnreachable() throws Exception {
        wire(p -> false);
        try (TailnetDatagramSocket server = b.bindUdp(9000); TailnetDatagramSocket client = a.bindUdp(0)) {
            client.send(new InetSocketAddress(B, 9000), "ping".getBytes());
            TailnetDatagramSocket.Datagram d = server.receive(Duration.ofSeconds(5));
            assertThat(d.data()).isEqualTo("ping".getBytes());
            assertThat(d.sender()).isEqualTo(new InetSocketAddress(A, client.localPort()));

            seenByA.clear();
            client.send(new InetSocketAddress(B, 9001), "nobody".getBytes());
            IpPacket icmp = parse(seenByA.poll(5, java.util.concurrent.TimeUnit.SECONDS));
            assertThat(icmp.protocol()).isEqualTo(IpProtocol.ICMP);
            assertThat(icmp.buffer()[icmp.payloadOffset()]).as("ICMP type").isEqualTo((byte) 3);
        }
    }

    @Test
    void echoRequestsAreAnswered() throws Exception {
        wire(p -> false);
        byte[] request = IcmpEcho.packet(new IpPacketBuilder(1), A.getAddress(), B.getAddress(), false, 0x1234, 7,
                "data".getBytes(), 0, 4);
        seenByA.clear();
        b.inbound(request, 0, request.length);
        byte[] reply = seenByA.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        IcmpEcho echo = IcmpEcho.parse(parse(reply)).orElseThrow();
        assertThat(echo.isReply()).isTrue();
        assertThat(echo.identifier()).isEqualTo(0x1234);
        assertThat(echo.sequence()).isEqualTo(7);
    }

    @Test
    void aPingIsMatchedWithItsReplyAndAnUnansweredOneTimesOut() throws Exception {
        InetAddress silent = address("100.64.0.9");
        wire(p -> false); // B ignores what is not addressed to it
        Duration rtt = a.ping(B, "hello".getBytes(), Duration.ofSeconds(5));
        assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> a.ping(silent, new byte[8], Duration.ofMillis(200)))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("100.64.0.9");
    }

    @Test
    void aReplyFromAnotherHostDoesNotCountForThePingedOne() throws Exception {
        wire(p -> true); // requests vanish; the test forges the replies
        Thread.startVirtualThread(() -> {
            try {
                byte[] request = seenByB.take();
                IcmpEcho echo = IcmpEcho.parse(parse(request)).orElseThrow();
                byte[] forged = IcmpEcho.packet(new IpPacketBuilder(3), address("100.64.0.7").getAddress(),
                        A.getAddress(), true, echo.identifier(), echo.sequence(), new byte[0], 0, 0);
                a.inbound(forged, 0, forged.length);
            } catch (Exception e) {
                // the ping below then times out either way
            }
        });
        assertThatThrownBy(() -> a.ping(B, new byte[0], Duration.ofMillis(500))).isInstanceOf(TimeoutException.class);
    }

    @Test
    void aReceiveCallbackGetsTheDatagramsInsteadOfReceive() throws Exception {
        wire(p -> false);
        try (TailnetDatagramSocket server = b.bindUdp(9000); TailnetDatagramSocket client = a.bindUdp(0)) {
            server.onReceive(d -> server.send(d.sender(), d.data()));
            for (int i = 0; i < 3; i++) {
                client.send(new InetSocketAddress(B, 9000), ("n" + i).getBytes());
                assertThat(client.receive(Duration.ofSeconds(5)).data()).isEqualTo(("n" + i).getBytes());
            }
            assertThatThrownBy(() -> server.receive(Duration.ofMillis(1))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> server.onReceive(d -> { })).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closingTheStackEndsABlockedAcceptAndABlockedRead() throws Exception {
        wire(p -> false);
        TailnetServerSocket server = b.listen(82, 4);
        TailnetSocket client = a.connect(B, 82, 5000);
        TailnetSocket accepted = server.accept();
        var acceptFailure = new java.util.concurrent.CompletableFuture<Throwable>();
        var readFailure = new java.util.concurrent.CompletableFuture<Throwable>();
        Thread.startVirtualThread(() -> {
            try {
                server.accept();
            } catch (Throwable t) {
                acceptFailure.complete(t);
            }
        });
        Thread.startVirtualThread(() -> {
            try {
                accepted.getInputStream().read();
            } catch (Throwable t) {
                readFailure.complete(t);
            }
        });
        Thread.sleep(200); // both are waiting now
        b.close();
        assertThat(acceptFailure.get(5, TimeUnit.SECONDS)).isInstanceOf(java.net.SocketException.class)
                .hasMessageContaining("stopped");
        assertThat(readFailure.get(5, TimeUnit.SECONDS)).isInstanceOf(java.net.SocketException.class);
        client.close();
    }

    private static IpPacket parse(byte[] p) throws MalformedPacketException {
        return IpPacket.parse(p, 0, p.length);
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
