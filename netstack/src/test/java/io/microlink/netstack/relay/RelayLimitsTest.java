package io.microlink.netstack.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RelayLimitsTest {
    private static final long MIB = 1 << 20;

    /** What the relay holds with every connection and flow taken, in bytes. */
    private static long heldAtTheTotals(RelayLimits l) {
        return l.tcpTotal() * RelayLimits.TCP_CONNECTION_BYTES + l.udpTotal() * RelayLimits.UDP_FLOW_BYTES;
    }

    @Test
    void theLaunchersHeapHoldsTheRelayAtItsTotalsInAQuarter() {
        RelayLimits l = RelayLimits.forHeap(96 * MIB);
        assertThat(heldAtTheTotals(l)).isLessThanOrEqualTo(96 * MIB / 4);
        assertThat(l.tcpTotal()).isEqualTo(256);
        assertThat(l.udpTotal()).isEqualTo(1024);
        // Four peers fill a total between them; one cannot alone.
        assertThat(l.tcpPerOwner()).isEqualTo(64);
        assertThat(l.udpPerOwner()).isEqualTo(256);
    }

    @Test
    void aLargeHeapStopsAtTheMostAndATinyOneStillRelaysForFourOwners() {
        RelayLimits large = RelayLimits.forHeap(Long.MAX_VALUE); // maxMemory() with no limit
        assertThat(large.tcpTotal()).isEqualTo(1024);
        assertThat(large.tcpPerOwner()).isEqualTo(256);
        RelayLimits tiny = RelayLimits.forHeap(MIB);
        assertThat(tiny.tcpTotal()).isEqualTo(4);
        assertThat(tiny.tcpPerOwner()).isEqualTo(1);
        for (long heap = 16 * MIB; heap <= 512 * MIB; heap += 16 * MIB) {
            assertThat(heldAtTheTotals(RelayLimits.forHeap(heap))).as("heap %d MiB", heap / MIB)
                    .isLessThanOrEqualTo(heap / 4);
        }
    }

    @Test
    void theDefaultsFollowThisJvmsHeap() {
        assertThat(RelayLimits.DEFAULTS).isEqualTo(RelayLimits.forHeap(Runtime.getRuntime().maxMemory()));
        assertThat(heldAtTheTotals(RelayLimits.DEFAULTS)).isLessThanOrEqualTo(Runtime.getRuntime().maxMemory() / 4);
    }
}
