package io.microlink.tun;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.Headroom;
import io.microlink.netstack.PacketSink;
import io.microlink.wireguard.tun.TunDevice;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The TUN reader carries on past a packet whose handling throws, and says so once, not per packet. */
class TunReaderTest {
    /** The OS's side in memory: what the test queues is what the reader reads. */
    private static final class QueueDevice implements TunDevice {
        final LinkedBlockingQueue<byte[]> fromOs = new LinkedBlockingQueue<>();
        volatile boolean closed;

        @Override
        public String name() {
            return "test0";
        }

        @Override
        public int read(byte[] buf, int off, int maxLen) {
            try {
                while (!closed) {
                    byte[] p = fromOs.poll(20, TimeUnit.MILLISECONDS);
                    if (p != null) {
                        System.arraycopy(p, 0, buf, off, p.length);
                        return p.length;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }

        @Override
        public int readIfWaiting(byte[] buf, int off, int maxLen) {
            byte[] p = fromOs.poll();
            if (p == null) {
                return closed ? -1 : 0;
            }
            System.arraycopy(p, 0, buf, off, p.length);
            return p.length;
        }

        @Override
        public void write(byte[] buf, int off, int len) {}

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aPacketWhoseHandlingThrowsIsDroppedCountedLoggedOnceAndTheNextGetsThrough() throws Exception {
        List<Integer> handed = new CopyOnWriteArrayList<>();
        PacketSink sink = (buf, off, len) -> {
            if (buf[off] == 0x66) {
                throw new IllegalStateException("a bug of ours, triggered by this packet");
            }
            handed.add(len);
        };
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger("io.microlink.tun");
        logger.addHandler(capture);
        QueueDevice device = new QueueDevice();
        TunInterface tun = new TunInterface(device, true, sink, Headroom.NONE);
        try {
            for (int i = 0; i < 500; i++) {
                device.fromOs.add(new byte[] {0x66, 1, 2});
            }
            device.fromOs.add(new byte[] {0x45, 1, 2, 3, 4});
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (handed.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            tun.close();
            logger.removeHandler(capture);
        }
        assertThat(handed).containsExactly(5);
        assertThat(tun.dropped()).isEqualTo(500);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.getFirst().getMessage()).startsWith("dropped 1 packet from the OS");
    }
}
