package io.microlink.interop.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.NodeState;
import io.microlink.TailnetNode;
import io.microlink.control.ControlClient;
import io.microlink.control.wire.DerpMap;
import io.microlink.control.wire.Hostinfo;
import io.microlink.control.wire.RegisterRequest;
import io.microlink.derp.DerpClient;
import io.microlink.interop.JvmHealth;
import io.microlink.interop.NodeInternals;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.TestTailnet;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.netstack.socket.TailnetSocket;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node under a flood of hostile datagrams on its UDP port and junk through its DERP relay,
 * while it streams a verified bulk transfer with a real tailscaled: nothing it receives may end a
 * thread, grow the heap or disturb the traffic; every refusal is counted.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HostileInputInteropTest {
    private static final Duration FLOOD = Duration.ofSeconds(15);
    /** Datagrams per burst, and bursts per second: about 20,000 a second, on two shared cores. */
    private static final int BURST = 100;
    private static final long BURST_PAUSE_MS = 5;
    private static final long TRANSFER_BYTES = 6L * 1024 * 1024;
    private static final long HEAP_MARGIN = 32L * 1024 * 1024;
    private static final int THREAD_MARGIN = 4;

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static Tailscaled real;
    private static TailnetNode java;

    @BeforeAll
    static void joinBoth() {
        real = tailnet.addNode("real");
        java = tailnet.addJavaNode("java-flood", real);
    }

    @Test
    void aFloodOfJunkLeavesTheTransferThreadsAndMemoryIntact() throws Exception {
        try (TcpEchoServer echo = new TcpEchoServer(); DerpClient derpJunk = derpClientOfAnotherNode()) {
            assertIntact(transfer(echo, 1, () -> false), "warm-up transfer");
            JvmHealth.Sample before = JvmHealth.sample();
            long droppedBefore = NodeInternals.totalDropped(java);

            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicLong udpSent = new AtomicLong(), derpSent = new AtomicLong();
            AtomicReference<Throwable> floodFailure = new AtomicReference<>();
            Thread udp = Thread.ofPlatform().name("flood-udp").uncaughtExceptionHandler((t, e) -> floodFailure.set(e))
                    .start(() -> floodUdp(flooding, udpSent));
            Thread derp = Thread.ofPlatform().name("flood-derp").uncaughtExceptionHandler((t, e) -> floodFailure.set(e))
                    .start(() -> floodDerp(derpJunk, flooding, derpSent));
            long end = System.nanoTime() + FLOOD.toNanos();
            StreamingEcho.Result during;
            try {
                during = transfer(echo, 2, () -> System.nanoTime() - end < 0);
            } finally {
                flooding.set(false);
                udp.join();
                derp.join();
            }

            assertThat(floodFailure.get()).as("the flood ran to its end").isNull();
            assertIntact(during, "the transfer during the flood");
            assertIntact(transfer(echo, 3, () -> false), "a transfer after the flood");
            assertThat(java.state()).isEqualTo(NodeState.CONNECTED);
            assertThat(real.ping("java-flood", "--tsmp", "-c", "1")).isNotEmpty();

            JvmHealth.Sample after = JvmHealth.sample();
            Map<String, Long> drops = NodeInternals.droppedInputs(java);
            System.out.printf("flood: %d UDP and %d DERP datagrams over %s beside %d MiB echoed; drops %s;%n"
                            + "before %s%nafter  %s%n", udpSent.get(), derpSent.get(), FLOOD,
                    during.receivedBytes() >> 20, drops, before, after);
            assertThat(after.threads().keySet()).as("no node thread died").containsAll(before.threads().keySet());
            assertThat(after.threadCount()).as("node threads").isLessThanOrEqualTo(before.threadCount() + THREAD_MARGIN);
            assertThat(after.heapAfterGc()).as("heap after GC").isLessThan(before.heapAfterGc() + HEAP_MARGIN);
            // Most junk reaches the WireGuard engine, which counts each refusal; the kernel may
            // drop some of the flood before the node sees it, so ask for a tenth of it.
            assertThat(NodeInternals.totalDropped(java) - droppedBefore).as("inputs the node counted as dropped")
                    .isGreaterThan((udpSent.get() + derpSent.get()) / 10);
        }
    }

    /** Streams to the echo server the real node forwards, for at least {@link #TRANSFER_BYTES}. */
    private static StreamingEcho.Result transfer(TcpEchoServer echo, long seed, BooleanSupplier keepGoing)
            throws Exception {
        try (TailnetSocket s = java.dial("real", echo.port(), Duration.ofSeconds(20))) {
            return StreamingEcho.run(s, seed, TRANSFER_BYTES, keepGoing);
        }
    }

    private static void assertIntact(StreamingEcho.Result r, String what) {
        assertThat(r.receivedBytes()).as(what + ": bytes echoed").isEqualTo(r.sentBytes())
                .isGreaterThanOrEqualTo(TRANSFER_BYTES);
        assertThat(r.receivedSha256()).as(what + ": SHA-256 of the echo").isEqualTo(r.sentSha256());
    }

    private static void floodUdp(AtomicBoolean flooding, AtomicLong sent) {
        HostileDatagrams junk = new HostileDatagrams(1);
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), java.udpPort());
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            while (flooding.get()) {
                for (int i = 0; i < BURST; i++) {
                    byte[] d = junk.next();
                    socket.send(new DatagramPacket(d, d.length, target));
                    sent.incrementAndGet();
                }
                Thread.sleep(BURST_PAUSE_MS);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the UDP flood stopped early", e);
        }
    }

    /** Junk through the relay, from a key the node knows as a peer: relayed packets take the peer path. */
    private static void floodDerp(DerpClient derp, AtomicBoolean flooding, AtomicLong sent) {
        HostileDatagrams junk = new HostileDatagrams(2);
        try {
            while (flooding.get()) {
                for (int i = 0; i < BURST / 10; i++) {
                    derp.send(java.nodeKey(), junk.next());
                    sent.incrementAndGet();
                }
                Thread.sleep(BURST_PAUSE_MS);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the DERP flood stopped early", e);
        }
    }

    /**
     * A DERP client with a node key of its own. headscale's relay admits registered keys only,
     * so the key is registered first (it never opens a map stream: it only needs to exist).
     */
    private static DerpClient derpClientOfAnotherNode() throws Exception {
        URI server = URI.create(tailnet.headscale().url());
        PrivateKey nodeKey = PrivateKey.generate(KeyKind.NODE);
        Duration timeout = Duration.ofSeconds(20);
        try (ControlClient control = new ControlClient(server, PrivateKey.generate(KeyKind.MACHINE),
                ControlClient.fetchServerKey(server, timeout), timeout)) {
            Hostinfo hostinfo = new Hostinfo("microlink-test", "linux", null, "junk-relay", null, true, null);
            control.register(new RegisterRequest(ControlClient.CAPABILITY_VERSION, nodeKey.publicKey().toString(), null,
                    new RegisterRequest.Auth(tailnet.reusableKey(TestTailnet.DEFAULT_USER).key()),
                    RegisterRequest.ZERO_TIME, "", hostinfo, null));
        }
        DerpMap.DerpNode relay = new DerpMap.DerpNode("junk", tailnet.headscale().derpRegionId(), "127.0.0.1", null,
                "127.0.0.1", null, tailnet.headscale().stunPort(), false, server.getPort(), false);
        return DerpClient.connect(relay, DerpClient.Transport.PLAIN_HTTP, ControlClient.defaultTls(), nodeKey,
                (from, packet) -> { }, () -> { }, timeout);
    }
}
