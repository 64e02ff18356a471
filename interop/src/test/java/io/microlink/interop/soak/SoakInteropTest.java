package io.microlink.interop.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CI's short soak: {@code scripts/soak} in two and a half minutes, sampled every ten seconds. */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SoakInteropTest {
    @Test
    void twoAndAHalfMinutesOfMixedTrafficAndRestartsLeakNothing() throws Exception {
        SoakRun.Result r = new SoakRun(Duration.ofSeconds(150), Duration.ofSeconds(10), Duration.ofSeconds(45))
                .run(System.out);
        assertThat(r.failures()).isEmpty();
        assertThat(r.samples()).hasSize(15);
    }
}
