package io.microlink.netstack.tcp;

import static io.microlink.netstack.tcp.SimulatedNetwork.MS;
import static io.microlink.netstack.tcp.TcpTransferTest.CLIENT_IP;
import static io.microlink.netstack.tcp.TcpTransferTest.SERVER_IP;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: under the launcher's {@code -Xmx96m} a stack admits many light connections at once,
 * each carrying data both ways, within the same quarter of the heap.
 */
class TcpSmallHeapTest {
    private static final long MIB = 1L << 20;
    /** What {@link Runtime#maxMemory()} reports under {@code -Xmx96m} with the serial collector. */
    private static final long LAUNCHER_HEAP = 93 * MIB;
    private static final int CONNECTIONS = 120;

    @Test
    void aHundredAndTwentyConnectionsEachCarryAnEchoAtOnceUnderTheLaunchersHeap() {
        TcpConfig small = TcpConfig.forHeap(LAUNCHER_HEAP);
        SimulatedNetwork net = new SimulatedNetwork(17);
        // The caller side is not what is measured: give it room for everything.
        SimulatedNetwork.Node client = net.add(CLIENT_IP, small.withMaxBufferBytes(1L << 30));
        SimulatedNetwork.Node server = net.add(SERVER_IP, small);
        TcpListener listener = server.stack.listen(7, CONNECTIONS);
        List<TcpConnection> callers = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            callers.add(client.stack.connect(CLIENT_IP, SERVER_IP, 7, net.now));
        }
        net.runUntil(() -> listener.pending() == CONNECTIONS, 5000 * MS);
        List<TcpConnection> accepted = new ArrayList<>();
        for (TcpConnection c; (c = listener.accept()) != null; ) {
            accepted.add(c);
        }
        byte[] hello = new byte[200];
        Arrays.fill(hello, (byte) 'x');
        for (TcpConnection c : callers) {
            c.write(hello, 0, hello.length);
        }
        client.stack.flush(net.now);
        byte[] buf = new byte[1024];
        net.runUntil(() -> {
            for (TcpConnection s : accepted) {
                int n = s.read(buf, 0, buf.length);
                if (n > 0) {
                    s.write(buf, 0, n); // every connection keeps its data, none is closed
                }
            }
            server.stack.flush(net.now);
            return false;
        }, 2000 * MS);
        int echoed = 0;
        for (TcpConnection c : callers) {
            if (c.read(buf, 0, buf.length) == hello.length) {
                echoed++;
            }
        }
        // Before: buffers of 256 KiB from the start, 17 MiB of them: 34 connections, the rest reset.
        assertThat(echoed).as("connections that carried an echo; the stack refused %d", server.stack.bufferRefusals())
                .isEqualTo(CONNECTIONS);
        assertThat(server.stack.bufferRefusals()).isZero();
        assertThat(server.stack.bufferMemory()).isLessThanOrEqualTo(small.maxBufferBytes());
    }

    @Test
    void bufferStartsFollowTheHeapBetweenTheirBounds() {
        assertThat(TcpConfig.forHeap(LAUNCHER_HEAP).initialBufferBytes()).isEqualTo(64 * 1024);
        assertThat(TcpConfig.forHeap(256 * MIB).initialBufferBytes()).isEqualTo(TcpConfig.INITIAL_BUFFER_BYTES);
        assertThat(TcpConfig.forHeap(64 * 1024 * MIB).initialBufferBytes()).isEqualTo(TcpConfig.INITIAL_BUFFER_BYTES);
        assertThat(TcpConfig.forHeap(2 * MIB).initialBufferBytes()).isEqualTo(16 * 1024);
        for (long heap = 16 * MIB; heap <= 256 * MIB; heap += 8 * MIB) {
            TcpConfig c = TcpConfig.forHeap(heap);
            assertThat(c.maxBufferBytes() / (2L * c.initialBufferBytes())).as("heap %d MiB", heap / MIB)
                    .isBetween(96L, 192L);
        }
    }
}
