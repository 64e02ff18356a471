package io.microlink.netstack.tcp;

import static io.microlink.netstack.tcp.SimulatedNetwork.MS;
import static io.microlink.netstack.tcp.TcpTransferTest.CLIENT_IP;
import static io.microlink.netstack.tcp.TcpTransferTest.SERVER_IP;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A connection gives each buffer's memory and its part of the stack's budget back, exactly
 * once, as soon as nothing can use the buffer again: after a close, a connection in TIME-WAIT
 * holds none, so a peer cannot keep memory tied up by opening and closing connections.
 */
class TcpBufferReleaseTest {
    private static final long SECOND = 1000 * MS;
    private static final int INITIAL = TcpConfig.INITIAL_BUFFER_BYTES;

    private final SimulatedNetwork net = new SimulatedNetwork(11);
    private final SimulatedNetwork.Node client = net.add(CLIENT_IP, TcpConfig.defaults());
    private final SimulatedNetwork.Node server = net.add(SERVER_IP, TcpConfig.defaults());
    private final TcpListener listener = server.stack.listen(443, 64);
    private final byte[] readBuffer = new byte[64 * 1024];

    private record Pair(TcpConnection client, TcpConnection server) {}

    private Pair open() {
        TcpConnection c = client.stack.connect(CLIENT_IP, SERVER_IP, 443, net.now);
        assertThat(net.runUntil(() -> listener.pending() > 0 && c.state() == TcpState.ESTABLISHED, 10 * SECOND)).isTrue();
        return new Pair(c, listener.accept());
    }

    private void flush() {
        client.stack.flush(net.now);
        server.stack.flush(net.now);
    }

    private void runUntil(java.util.function.BooleanSupplier done) {
        assertThat(net.runUntil(done, 30 * SECOND)).isTrue();
    }

    /** Reads what {@code c} holds; returns whether it reached the end of the stream. */
    private boolean readAll(TcpConnection c) {
        for (int n = c.read(readBuffer, 0, readBuffer.length); n != 0; n = c.read(readBuffer, 0, readBuffer.length)) {
            if (n < 0) {
                flush();
                return true;
            }
        }
        flush();
        return false;
    }

    /** Sends {@code bytes} from {@code from} to {@code to}, which reads them if {@code read} and else leaves them queued. */
    private void send(TcpConnection from, TcpConnection to, int bytes, boolean read) {
        byte[] chunk = new byte[64 * 1024];
        int[] left = {bytes};
        long[] got = {0};
        runUntil(() -> {
            while (left[0] > 0) {
                int n = from.write(chunk, 0, Math.min(chunk.length, left[0]));
                if (n <= 0) {
                    break;
                }
                left[0] -= n;
            }
            if (read) {
                for (int n = to.read(readBuffer, 0, readBuffer.length); n > 0; n = to.read(readBuffer, 0, readBuffer.length)) {
                    got[0] += n;
                }
            }
            flush();
            return read ? got[0] == bytes : to.available() == bytes;
        });
    }

    /** Traffic both ways, so that all four buffers hold memory. */
    private Pair openWithTraffic() {
        Pair p = open();
        send(p.client(), p.server(), 100_000, true);
        send(p.server(), p.client(), 100_000, true);
        assertThat(p.client().bufferMemory()).isEqualTo(2L * INITIAL);
        assertThat(p.server().bufferMemory()).isEqualTo(2L * INITIAL);
        return p;
    }

    /** The client closes first and waits in TIME-WAIT; the server closes after reading the end. */
    private Pair activeClose(Pair p) {
        p.client().close();
        flush();
        runUntil(() -> readAll(p.server()));
        p.server().close();
        flush();
        runUntil(() -> p.client().state() == TcpState.TIME_WAIT && p.server().state() == TcpState.CLOSED);
        return p;
    }

    /** What the budget holds is what the buffers of the stack's connections hold. */
    private static void assertBudgetMatchesMemory(SimulatedNetwork.Node node) {
        assertThat(node.stack.reservedBufferBytes()).isNotNegative();
        assertThat(node.stack.bufferGrowthBytes()).isNotNegative();
        assertThat(node.stack.reservedBufferBytes() + node.stack.bufferGrowthBytes()).isEqualTo(node.stack.bufferMemory());
    }

    private static void assertNoBufferBudget(SimulatedNetwork.Node node) {
        assertThat(node.stack.reservedBufferBytes()).as("initial-buffer budget in use").isZero();
        assertThat(node.stack.bufferGrowthBytes()).as("growth budget in use").isZero();
        assertThat(node.stack.bufferMemory()).as("memory the connections hold").isZero();
    }

    @Test
    void aConnectionInTimeWaitHoldsNoBufferMemory() {
        Pair p = activeClose(openWithTraffic());

        assertThat(p.client().state()).isEqualTo(TcpState.TIME_WAIT);
        assertThat(client.stack.connectionCount()).as("TIME-WAIT keeps the connection itself").isEqualTo(1);
        assertThat(p.client().bufferMemory()).isZero();
        assertThat(p.server().bufferMemory()).isZero();
        assertNoBufferBudget(client);
        assertNoBufferBudget(server);
    }

    @Test
    void everyWayAConnectionEndsGivesItsBudgetBackExactlyOnce() {
        List<TcpConnection> all = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            // Active close: TIME-WAIT on the client, LAST-ACK then CLOSED on the server.
            all.addAll(List.of(activeClose(openWithTraffic()).client(), activeClose(openWithTraffic()).server()));

            // Simultaneous close: both pass CLOSING into TIME-WAIT.
            Pair both = openWithTraffic();
            both.client().close();
            both.server().close();
            flush();
            runUntil(() -> both.client().state() == TcpState.TIME_WAIT && both.server().state() == TcpState.TIME_WAIT);
            all.addAll(List.of(both.client(), both.server()));

            // Half-close: FIN-WAIT-2 gives the send buffer back while data still comes in.
            Pair half = openWithTraffic();
            half.client().shutdownOutput();
            flush();
            runUntil(() -> readAll(half.server()) && half.client().state() == TcpState.FIN_WAIT_2);
            send(half.server(), half.client(), 50_000, true);
            assertThat(half.client().bufferMemory()).as("only the receive buffer").isEqualTo(INITIAL);
            half.server().close();
            flush();
            runUntil(() -> readAll(half.client()) && half.client().state() == TcpState.TIME_WAIT);
            all.addAll(List.of(half.client(), half.server()));

            // Abort with data queued both ways: the peer is reset and drops what it had not read.
            Pair aborted = openWithTraffic();
            send(aborted.client(), aborted.server(), 10_000, false);
            aborted.client().write(new byte[10_000], 0, 10_000);
            aborted.client().abort();
            flush();
            runUntil(() -> aborted.server().state() == TcpState.CLOSED);
            assertThat(aborted.server().error()).isEqualTo(TcpError.RESET);
            all.addAll(List.of(aborted.client(), aborted.server()));

            // Close with unread data: an abort (RFC 2525 §2.17).
            Pair unread = openWithTraffic();
            send(unread.server(), unread.client(), 10_000, false);
            unread.client().close();
            flush();
            runUntil(() -> unread.server().state() == TcpState.CLOSED);
            all.addAll(List.of(unread.client(), unread.server()));

            // A bulk transfer whose buffers grew, then an active close.
            Pair bulk = open();
            send(bulk.client(), bulk.server(), 4 << 20, true);
            assertThat(client.stack.bufferGrowthBytes() + server.stack.bufferGrowthBytes()).as("growth").isPositive();
            assertBudgetMatchesMemory(client);
            assertBudgetMatchesMemory(server);
            activeClose(bulk);
            all.addAll(List.of(bulk.client(), bulk.server()));

            assertBudgetMatchesMemory(client);
            assertBudgetMatchesMemory(server);
        }

        assertThat(all).filteredOn(c -> c.state() == TcpState.TIME_WAIT).as("connections in TIME-WAIT").isNotEmpty();
        assertThat(all).allSatisfy(c -> assertThat(c.bufferMemory()).as("%s", c).isZero());
        assertNoBufferBudget(client);
        assertNoBufferBudget(server);

        net.advance(2 * TcpConfig.defaults().mslNanos() + SECOND);
        assertThat(client.stack.connectionCount() + server.stack.connectionCount()).isZero();
        assertNoBufferBudget(client);
        assertNoBufferBudget(server);
    }

    @Test
    void aConnectionClosedInOrderKeepsItsUnreadDataAndItsBudgetUntilTheApplicationReadsIt() {
        Pair p = open();
        send(p.server(), p.client(), 10_000, false);
        p.server().close();
        flush();
        runUntil(() -> p.client().state() == TcpState.CLOSE_WAIT);
        p.client().shutdownOutput();
        flush();
        runUntil(() -> p.client().state() == TcpState.CLOSED && client.stack.connectionCount() == 0);

        // The stack has forgotten the connection, but the memory is still held, so still charged.
        assertThat(p.client().available()).isEqualTo(10_000);
        assertThat(p.client().bufferMemory()).isEqualTo(INITIAL);
        assertThat(client.stack.reservedBufferBytes()).isEqualTo(INITIAL);

        assertThat(readAll(p.client())).isTrue();
        assertThat(p.client().bufferMemory()).isZero();
        assertNoBufferBudget(client);
        p.client().close();
        assertNoBufferBudget(client);
    }
}
