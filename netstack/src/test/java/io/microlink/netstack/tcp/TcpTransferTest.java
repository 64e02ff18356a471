package io.microlink.netstack.tcp;

import static io.microlink.netstack.tcp.SimulatedNetwork.MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bulk data both ways between two stacks over a lossy, reordering, duplicating simulated link. */
class TcpTransferTest {
    static final byte[] CLIENT_IP = {100, 64, 0, 1};
    static final byte[] SERVER_IP = {100, 64, 0, 2};
    private static final long SECOND = 1000 * MS;

    /** One side of a transfer: writes its bytes then FIN, and hashes what it reads until EOF. */
    static final class Endpoint {
        final TcpStack stack;
        final TcpConnection connection;
        final byte[] toSend;
        final MessageDigest received;
        final byte[] readBuffer = new byte[16 * 1024];
        int sent;
        long receivedBytes;
        boolean eof;

        Endpoint(TcpStack stack, TcpConnection connection, byte[] toSend) {
            this.stack = stack;
            this.connection = connection;
            this.toSend = toSend;
            try {
                this.received = MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }

        void pump(long now) {
            if (sent < toSend.length) {
                int n = connection.write(toSend, sent, Math.min(64 * 1024, toSend.length - sent));
                sent += Math.max(n, 0);
            } else {
                connection.shutdownOutput();
            }
            for (int n = connection.read(readBuffer, 0, readBuffer.length); n != 0 && !eof;
                    n = connection.read(readBuffer, 0, readBuffer.length)) {
                if (n < 0) {
                    eof = true;
                } else {
                    received.update(readBuffer, 0, n);
                    receivedBytes += n;
                }
            }
            stack.flush(now);
        }
    }

    static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    @ParameterizedTest(name = "loss {0}, reordering {1}, duplication {2}")
    @CsvSource({"0, 0, 0", "0.01, 0.02, 0.01", "0.05, 0.05, 0.02"})
    void megabytesBothWaysArriveIntact(double loss, double reordering, double duplication) throws Exception {
        SimulatedNetwork net = new SimulatedNetwork(42);
        net.loss = loss;
        net.reordering = reordering;
        net.duplication = duplication;
        SimulatedNetwork.Node client = net.add(CLIENT_IP, TcpConfig.defaults());
        SimulatedNetwork.Node server = net.add(SERVER_IP, TcpConfig.defaults());
        TcpListener listener = server.stack.listen(443, 16);
        TcpConnection c = client.stack.connect(CLIENT_IP, SERVER_IP, 443, net.now);
        assertThat(net.runUntil(() -> listener.pending() > 0 && c.state() == TcpState.ESTABLISHED, 60 * SECOND)).isTrue();

        byte[] up = randomBytes(1, 3 * 1024 * 1024);
        byte[] down = randomBytes(2, 3 * 1024 * 1024 + 777);
        Endpoint a = new Endpoint(client.stack, c, up);
        Endpoint b = new Endpoint(server.stack, listener.accept(), down);
        boolean done = net.runUntil(() -> {
            a.pump(net.now);
            b.pump(net.now);
            return a.eof && b.eof;
        }, 600 * SECOND);

        assertThat(done).as("client got %d of %d, server got %d of %d", a.receivedBytes, down.length,
                b.receivedBytes, up.length).isTrue();
        assertThat(b.received.digest()).isEqualTo(sha256(up));
        assertThat(a.received.digest()).isEqualTo(sha256(down));
        assertThat(net.runUntil(() -> client.stack.connectionCount() + server.stack.connectionCount() == 0,
                120 * SECOND)).as("both sides leave TIME-WAIT or LAST-ACK").isTrue();
        assertThat(c.error()).isNull();
    }

    @Test
    void fiftyConcurrentConnections() throws Exception {
        SimulatedNetwork net = new SimulatedNetwork(7);
        net.loss = 0.01;
        net.reordering = 0.02;
        SimulatedNetwork.Node client = net.add(CLIENT_IP, TcpConfig.defaults().withBufferSizes(32 * 1024, 32 * 1024));
        SimulatedNetwork.Node server = net.add(SERVER_IP, TcpConfig.defaults().withBufferSizes(32 * 1024, 32 * 1024));
        TcpListener listener = server.stack.listen(8080, 64);
        List<Endpoint> endpoints = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] payload = randomBytes(100 + i, 50_000 + i * 1000);
            payloads.add(payload);
            endpoints.add(new Endpoint(client.stack, client.stack.connect(CLIENT_IP, SERVER_IP, 8080, net.now), payload));
        }
        List<Endpoint> accepted = new ArrayList<>();
        boolean done = net.runUntil(() -> {
            for (TcpConnection s = listener.accept(); s != null; s = listener.accept()) {
                accepted.add(new Endpoint(server.stack, s, new byte[0]));
            }
            endpoints.forEach(e -> e.pump(net.now));
            accepted.forEach(e -> e.pump(net.now));
            return accepted.size() == 50 && accepted.stream().allMatch(e -> e.eof) && endpoints.stream().allMatch(e -> e.eof);
        }, 600 * SECOND);
        assertThat(done).isTrue();
        List<String> sent = new ArrayList<>();
        for (byte[] p : payloads) {
            sent.add(java.util.HexFormat.of().formatHex(sha256(p)));
        }
        List<String> got = new ArrayList<>();
        for (Endpoint e : accepted) {
            got.add(java.util.HexFormat.of().formatHex(e.received.digest()));
        }
        assertThat(got).containsExactlyInAnyOrderElementsOf(sent);
    }
}
