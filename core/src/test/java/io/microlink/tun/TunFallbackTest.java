package io.microlink.tun;

import io.microlink.netstack.Headroom;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * When the TUN device cannot be had, TUN mode steps aside with one clear warning. "lo" exists and
 * is not a TUN device, so the kernel refuses it for root and everyone else alike, and nothing is
 * created on the machine running the test.
 */
class TunFallbackTest {
    @Test
    void anInterfaceThatIsNotATunDeviceGivesOneWarningAndNoDevice() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger("io.microlink.tun");
        logger.addHandler(capture);
        try {
            assertThat(TunInterface.openOrFallBack("lo", (buf, off, len) -> {}, Headroom.NONE)).isEmpty();
        } finally {
            logger.removeHandler(capture);
        }
        List<LogRecord> warnings = records.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
        assertThat(warnings).hasSize(1);
        String message = java.text.MessageFormat.format(warnings.getFirst().getMessage(),
                warnings.getFirst().getParameters());
        assertThat(message).contains("'lo'", "TUNSETIFF", "continues in userspace mode");
    }
}
