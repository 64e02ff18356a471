package io.microlink.netstack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

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
        // The caller side is not what is measured: give it room for everything.
        ParallelEchoes load = ParallelEchoes.run(small, small.withMaxBufferBytes(1L << 30), CONNECTIONS, 5000, 2000);
        TcpStack server = load.server().stack;
        // Before: buffers of 256 KiB from the start, 17 MiB of them: 34 connections, the rest reset.
        assertThat(load.echoed()).as("connections that carried an echo; the stack refused %d", server.bufferRefusals())
                .isEqualTo(CONNECTIONS);
        assertThat(server.bufferRefusals()).isZero();
        assertThat(server.bufferMemory()).isLessThanOrEqualTo(small.maxBufferBytes());
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
