package io.microlink.lopower.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.lopower.enroll.AddressPlan;
import org.junit.jupiter.api.Test;

/** The queue towards the devices holds a bounded number of bytes, whatever the packets' sizes. */
class StackTunTest {
    @Test
    void bigPacketsBeyondTheByteBudgetAreDroppedAndCountedAndReadingFreesRoom() throws Exception {
        BridgeCounters counters = new BridgeCounters();
        StackTun tun = new StackTun(new Containment(AddressPlan.parse(AddressPlan.DEFAULT_IPV6, null), counters),
                counters);
        byte[] big = new byte[65_000];
        int fit = (int) (StackTun.QUEUE_BYTES / big.length);
        for (int i = 0; i < fit + 10; i++) {
            tun.accept(big, 0, big.length);
        }
        assertThat(counters.get(BridgeCounters.Event.DROPPED_TO_DEVICE_QUEUE_FULL)).isEqualTo(10);
        byte[] buf = new byte[70_000];
        assertThat(tun.readIfWaiting(buf, 0, buf.length)).isEqualTo(big.length);
        tun.accept(big, 0, big.length);
        assertThat(counters.get(BridgeCounters.Event.DROPPED_TO_DEVICE_QUEUE_FULL)).isEqualTo(10);
        tun.close();
    }
}
