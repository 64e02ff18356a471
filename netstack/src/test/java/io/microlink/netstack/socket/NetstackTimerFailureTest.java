package io.microlink.netstack.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.Headroom;
import io.microlink.netstack.PacketSink;
import io.microlink.netstack.tcp.TcpConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The TCP timer thread carries on past a run that throws: one bug must not stop every connection's timers. */
class NetstackTimerFailureTest {
    private static final InetAddress A = InetAddress.ofLiteral("100.64.0.1");
    private static final InetAddress B = InetAddress.ofLiteral("100.64.0.2");

    /** The timer thread retransmits the SYN of each; the first connection's retransmission is the one that throws. */
    @Test
    void aTimerRunThatThrowsIsDroppedAndAnotherConnectionsRetransmissionStillLeaves() throws Exception {
        AtomicInteger timerCalls = new AtomicInteger();
        AtomicInteger timerSegmentsSent = new AtomicInteger();
        // Nothing answers; the first packet the timer thread sends (the SYN's retransmission) throws.
        PacketSink output = (buf, off, len) -> {
            if (Thread.currentThread().getName().equals("microlink-tcp-timers")) {
                if (timerCalls.getAndIncrement() == 0) {
                    throw new IllegalStateException("a bug of ours, below the stack");
                }
                timerSegmentsSent.incrementAndGet();
            }
        };
        try (Netstack stack = new Netstack(TcpConfig.defaults(), output, Headroom.NONE)) {
            stack.setAddresses(List.of(A));
            connectInBackground(stack, 80);
            Thread.sleep(300); // the second connection's SYN is due again after the first's
            connectInBackground(stack, 81);
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (timerSegmentsSent.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(stack.droppedTimerRuns()).isEqualTo(1);
            assertThat(timerSegmentsSent.get()).isPositive();
        }
    }

    private static void connectInBackground(Netstack stack, int port) {
        Thread.ofVirtual().start(() -> {
            try {
                stack.connect(B, port, 10_000).close();
            } catch (Exception expected) {
                // times out, or ends when the stack closes
            }
        });
    }
}
