package io.microlink.wireguard.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both socket implementations on loopback, against each other and themselves: what is sent
 * arrives whole, in order and from the sender's port, whether it went alone or in a GSO run
 * and came back alone or in a GRO buffer.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UdpBatchSocketTest {
    private static final int BUFFER = 4 << 20;
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();
    /** A thread of its own per task: a receive blocks, and the common pool may have one worker. */
    private static final Executor THREAD = task -> Thread.ofPlatform().daemon().start(task);

    enum Kind {
        JDK, LINUX;

        UdpBatchSocket open(int port) throws IOException {
            if (this == JDK) {
                return JdkUdpSocket.open(port, BUFFER);
            }
            assumeTrue(LinuxUdpSocket.usable(), "Linux on x86-64/AArch64 with --enable-native-access");
            return LinuxUdpSocket.open(port, BUFFER);
        }
    }

    private record Datagram(byte[] bytes, InetSocketAddress from) {}

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    /**
     * Starts receiving until {@code n} datagrams came, before the test sends (so a small
     * kernel buffer cannot overflow); counts the receive calls it took in {@code calls}.
     */
    private static CompletableFuture<List<Datagram>> receive(UdpBatchSocket socket, int n, int[] calls) {
        return CompletableFuture.supplyAsync(() -> {
            List<Datagram> got = new ArrayList<>();
            try {
                while (got.size() < n) {
                    ReceivedDatagrams in = socket.receive();
                    calls[0]++;
                    for (int i = 0; i < in.count(); i++) {
                        got.add(new Datagram(Arrays.copyOfRange(in.buffer(), in.offset(i), in.offset(i) + in.length(i)),
                                in.source(i)));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return got;
        }, THREAD);
    }

    private static List<Datagram> await(CompletableFuture<List<Datagram>> received) throws Exception {
        return received.get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void burstsOfEqualAndOddSizesArriveWholeAndInOrder(Kind kind) throws Exception {
        for (Kind receiver : Kind.values()) {
            try (UdpBatchSocket a = kind.open(0); UdpBatchSocket b = receiver.open(0)) {
                SplittableRandom random = new SplittableRandom(1);
                List<byte[]> sent = new ArrayList<>();
                // Runs of one size (GSO material), a shorter tail, sizes that change, and more
                // than one GSO buffer holds (64 datagrams).
                for (int len : new int[] {1312, 1312, 1312, 700, 1312, 1312, 80, 1, 60000, 1312}) {
                    sent.add(bytes(random, len));
                }
                for (int i = 0; i < 150; i++) {
                    sent.add(bytes(random, 1312));
                }
                InetSocketAddress to = new InetSocketAddress(V4, b.port());
                var receiving = receive(b, sent.size(), new int[1]);
                for (byte[] d : sent) {
                    a.send(d, 0, d.length, to);
                }
                a.flush();
                List<Datagram> got = await(receiving);
                assertThat(got).hasSize(sent.size());
                for (int i = 0; i < sent.size(); i++) {
                    assertThat(got.get(i).bytes()).as("datagram %d", i).isEqualTo(sent.get(i));
                    assertThat(got.get(i).from().getPort()).isEqualTo(a.port());
                    assertThat(got.get(i).from().getAddress()).isEqualTo(V4);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void ipv6DestinationsAndSourcesWork(Kind kind) throws Exception {
        try (UdpBatchSocket a = kind.open(0); UdpBatchSocket b = kind.open(0)) {
            InetAddress v6 = InetAddress.getByName("::1");
            byte[] d = bytes(new SplittableRandom(2), 1300);
            var receiving = receive(b, 2, new int[1]);
            a.send(d, 0, d.length, new InetSocketAddress(v6, b.port()));
            a.send(d, 0, d.length, new InetSocketAddress(v6, b.port()));
            a.flush();
            List<Datagram> got = await(receiving);
            assertThat(got).allSatisfy(g -> {
                assertThat(g.bytes()).isEqualTo(d);
                assertThat(g.from()).isEqualTo(new InetSocketAddress(v6, a.port()));
            });
        }
    }

    @Test
    void aRunOfEqualDatagramsCrossesTheKernelAsOneBuffer() throws Exception {
        try (UdpBatchSocket a = Kind.LINUX.open(0); UdpBatchSocket b = Kind.LINUX.open(0)) {
            assumeTrue(a.mechanism().contains("GSO") && b.mechanism().contains("GRO"), "kernel without UDP GSO/GRO");
            SplittableRandom random = new SplittableRandom(3);
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sent.add(bytes(random, 1312));
            }
            sent.add(bytes(random, 500));
            int[] calls = new int[1];
            var receiving = receive(b, sent.size(), calls);
            for (byte[] d : sent) {
                a.send(d, 0, d.length, new InetSocketAddress(V4, b.port()));
            }
            a.flush();
            List<Datagram> got = await(receiving);
            assertThat(calls[0]).as("receive calls for one GSO run").isEqualTo(1);
            for (int i = 0; i < sent.size(); i++) {
                assertThat(got.get(i).bytes()).isEqualTo(sent.get(i));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void interleavedDestinationsEachGetTheirOwnInOrder(Kind kind) throws Exception {
        try (UdpBatchSocket a = kind.open(0); UdpBatchSocket b = kind.open(0); UdpBatchSocket c = kind.open(0)) {
            SplittableRandom random = new SplittableRandom(4);
            List<byte[]> toB = new ArrayList<>();
            List<byte[]> toC = new ArrayList<>();
            var atB = receive(b, 66, new int[1]);
            var atC = receive(c, 34, new int[1]);
            for (int i = 0; i < 100; i++) {
                byte[] d = bytes(random, 1200);
                boolean second = i % 3 == 0;
                (second ? toC : toB).add(d);
                a.send(d, 0, d.length, new InetSocketAddress(V4, (second ? c : b).port()));
            }
            a.flush();
            assertThat(await(atB)).extracting(Datagram::bytes).containsExactlyElementsOf(toB);
            assertThat(await(atC)).extracting(Datagram::bytes).containsExactlyElementsOf(toC);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anyThreadsFlushSendsWhatOthersHeld(Kind kind) throws Exception {
        try (UdpBatchSocket a = kind.open(0); UdpBatchSocket b = kind.open(0)) {
            byte[] d = bytes(new SplittableRandom(5), 100);
            var receiving = receive(b, 1, new int[1]);
            a.send(d, 0, d.length, new InetSocketAddress(V4, b.port()));
            CompletableFuture.runAsync(() -> {
                try {
                    a.flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, THREAD).get(5, TimeUnit.SECONDS);
            assertThat(await(receiving).getFirst().bytes()).isEqualTo(d);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closeEndsABlockedReceive(Kind kind) throws Exception {
        UdpBatchSocket s = kind.open(0);
        CompletableFuture<ReceivedDatagrams> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return s.receive();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, THREAD);
        Thread.sleep(200);
        assertThat(blocked).isNotDone();
        s.close();
        assertThat(blocked.get(5, TimeUnit.SECONDS)).isNull();
        assertThatThrownBy(() -> s.send(new byte[1], 0, 1, new InetSocketAddress(V4, 9))).isInstanceOf(IOException.class);
    }

    /**
     * A rebind closes the socket and binds its port again at once: close must not wait for a
     * blocked receiver's poll to time out (200 ms) before it lets the port go. The fastest of
     * three tries, so one slow scheduling under load does not decide.
     */
    @Test
    void closeLetsThePortGoAtOnceWhileAReceiverWaits() throws Exception {
        int port;
        try (UdpBatchSocket probe = Kind.LINUX.open(0)) { // skips where the Linux socket is not usable
            port = probe.port();
        }
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            UdpBatchSocket s = Kind.LINUX.open(port);
            CompletableFuture<ReceivedDatagrams> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.receive();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, THREAD);
            Thread.sleep(20); // the receiver is in poll by now, with most of its timeout ahead
            long start = System.nanoTime();
            s.close();
            UdpBatchSocket again = Kind.LINUX.open(port);
            fastest = Math.min(fastest, System.nanoTime() - start);
            again.close();
            assertThat(blocked.get(5, TimeUnit.SECONDS)).isNull();
        }
        assertThat(fastest).as("nanoseconds from close to the port bound again").isLessThan(100_000_000L);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTakenPortIsABindException(Kind kind) throws Exception {
        try (UdpBatchSocket first = kind.open(0)) {
            assertThatThrownBy(() -> kind.open(first.port()).close()).isInstanceOf(BindException.class);
        }
    }
}
