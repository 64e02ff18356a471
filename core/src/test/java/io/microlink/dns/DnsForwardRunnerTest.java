package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The runner on loopback sockets: a resolver that truncates over UDP and answers whole over TCP on the same port. */
class DnsForwardRunnerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static byte[] answer(byte[] query, boolean truncated, int records) throws Exception {
        DnsMessage q = DnsMessage.parse(query);
        DnsHeader h = new DnsHeader(q.header().id(), true, 0, false, truncated, true, true, false, false, 0);
        List<DnsRecord> answers = IntStream.range(0, records).mapToObj(i -> DnsRecord.address(
                q.questions().getFirst().name(), InetAddress.ofLiteral("198.51.100." + i), 60)).toList();
        return new DnsMessage(h, q.questions(), answers, List.of(), List.of()).encode(65535);
    }

    @Test
    void aTruncatedUdpAnswerIsFetchedOverTcpAndAForgedOneFromElsewhereIsIgnored() throws Exception {
        try (ServerSocket tcp = new ServerSocket(0, 5, LOOPBACK);
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, tcp.getLocalPort()));
             DatagramSocket forger = new DatagramSocket(0, LOOPBACK)) {
            Thread.ofVirtual().start(() -> {
                try {
                    byte[] buf = new byte[512];
                    DatagramPacket in = new DatagramPacket(buf, buf.length);
                    udp.receive(in);
                    byte[] query = Arrays.copyOf(buf, in.getLength());
                    // A forger who learned the ID answers first, from another port, with a different address.
                    byte[] forged = answer(query, false, 1);
                    forger.send(new DatagramPacket(forged, forged.length, in.getSocketAddress()));
                    byte[] tc = answer(query, true, 0);
                    udp.send(new DatagramPacket(tc, tc.length, in.getSocketAddress()));
                    try (Socket s = tcp.accept()) {
                        DataInputStream r = new DataInputStream(s.getInputStream());
                        byte[] again = new byte[r.readUnsignedShort()];
                        r.readFully(again);
                        byte[] whole = answer(again, false, 40);
                        DataOutputStream w = new DataOutputStream(s.getOutputStream());
                        w.writeShort(whole.length);
                        w.write(whole);
                        w.flush();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            LinkedBlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
            DnsForwardRunner<String> runner = new DnsForwardRunner<>(DnsForwarder.Limits.DEFAULT, UpstreamSockets.os(),
                    (client, message) -> replies.add(message));
            byte[] query = new DnsMessage(DnsHeader.query(0x2222), List.of(new DnsQuestion("big.example.", DnsType.A,
                    DnsClass.IN)), List.of(), List.of(), List.of()).encode(512);

            runner.query("client", query, 4096, List.of(new InetSocketAddress(LOOPBACK, tcp.getLocalPort())));

            byte[] reply = replies.poll(10, TimeUnit.SECONDS);
            assertThat(reply).isNotNull();
            DnsMessage m = DnsMessage.parse(reply);
            assertThat(m.header().id()).isEqualTo(0x2222);
            assertThat(m.header().truncated()).isFalse();
            assertThat(m.answers()).hasSize(40);
            assertThat(reply.length).isGreaterThan(512);
            assertThat(runner.ignored()).isEqualTo(1);
        }
    }

    @Test
    void aSilentUpstreamEndsInServfailAtItsDeadline() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, LOOPBACK)) {
            LinkedBlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
            DnsForwardRunner<String> runner = new DnsForwardRunner<>(new DnsForwarder.Limits(4,
                    java.time.Duration.ofMillis(300), 3, 16, 1 << 16), UpstreamSockets.os(), (c, m) -> replies.add(m));
            byte[] query = new DnsMessage(DnsHeader.query(9), List.of(new DnsQuestion("x.example.", DnsType.A,
                    DnsClass.IN)), List.of(), List.of(), List.of()).encode(512);
            runner.query("c", query, 512, List.of(new InetSocketAddress(LOOPBACK, silent.getLocalPort())));
            byte[] reply = replies.poll(10, TimeUnit.SECONDS);
            assertThat(DnsMessage.parse(reply).header().rcode()).isEqualTo(DnsRcode.SERVFAIL);
        }
    }
}
