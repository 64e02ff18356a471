package io.microlink.netstack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The buffer budgets follow the heap: a quarter of it, within a floor and a ceiling. */
class TcpConfigTest {
    private static final long MIB = 1L << 20;

    @Test
    void aSmallHeapGetsThreeSixteenthsForBuffersAndOneForGrowth() {
        TcpConfig c = TcpConfig.forHeap(16 * MIB);
        assertThat(c.maxBufferBytes()).isEqualTo(3 * MIB); // 96 connections carrying data both ways, 16 KiB buffers
        assertThat(c.maxBufferGrowthBytes()).isEqualTo(MIB);
    }

    @Test
    void theLaunchersHeapKeepsTheBuffersToAQuarterOfIt() {
        TcpConfig c = TcpConfig.forHeap(96 * MIB);
        assertThat(c.maxBufferBytes()).isEqualTo(18 * MIB);
        assertThat(c.maxBufferGrowthBytes()).isEqualTo(6 * MIB);
        assertThat(c.initialBufferBytes()).isEqualTo(64 * 1024);
        assertThat(c.maxBufferBytes() / (2L * c.initialBufferBytes())).isEqualTo(144);
    }

    @Test
    void aLargeHeapGetsMoreUpToTheCeilings() {
        TcpConfig c = TcpConfig.forHeap(512 * MIB);
        assertThat(c.maxBufferBytes()).isEqualTo(96 * MIB);
        assertThat(c.maxBufferGrowthBytes()).isEqualTo(32 * MIB);
        TcpConfig huge = TcpConfig.forHeap(64 * 1024 * MIB);
        assertThat(huge.maxBufferBytes()).isEqualTo(256 * MIB);
        assertThat(huge.maxBufferGrowthBytes()).isEqualTo(64 * MIB);
    }

    @Test
    void aTinyHeapStillAdmitsAConnection() {
        TcpConfig c = TcpConfig.forHeap(2 * MIB);
        assertThat(c.maxBufferBytes()).isEqualTo(MIB);
        assertThat(c.maxBufferGrowthBytes()).isEqualTo(MIB);
    }

    @Test
    void theDefaultsFollowThisJvmsHeap() {
        long heap = Runtime.getRuntime().maxMemory();
        assertThat(TcpConfig.defaults()).isEqualTo(TcpConfig.forHeap(heap));
        assertThat(TcpConfig.defaults().maxBufferBytes() + TcpConfig.defaults().maxBufferGrowthBytes())
                .isLessThanOrEqualTo(Math.max(heap / 4, 2 * MIB));
    }
}
