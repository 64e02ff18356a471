package io.microlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netcheck.NetcheckReport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a netcheck round found, as applications see it. */
class NetcheckResultTest {
    private static final Instant AT = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void aDualStackRoundKeepsBothFamiliesAndTheBestOfEach() {
        InetSocketAddress v4 = new InetSocketAddress("198.51.100.7", 41641);
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::7", 41641);
        NetcheckResult r = NetcheckResult.of(new NetcheckReport(AT,
                Map.of(1, Duration.ofMillis(20), 2, Duration.ofMillis(50)), Map.of(1, Duration.ofMillis(30),
                2, Duration.ofMillis(40), 3, Duration.ofMillis(90)), v4, v6, false));
        assertThat(r.at()).isEqualTo(AT);
        assertThat(r.udpWorks()).isTrue();
        assertThat(r.globalV4()).contains(v4);
        assertThat(r.globalV6()).contains(v6);
        assertThat(r.mappingVariesByDestination()).contains(false);
        assertThat(r.latencies()).isEqualTo(Map.of(1, Duration.ofMillis(20), 2, Duration.ofMillis(40), 3,
                Duration.ofMillis(90)));
        assertThat(r.v4Latencies()).containsOnlyKeys(1, 2);
        assertThat(r.v6Latencies()).containsOnlyKeys(1, 2, 3);
    }

    @Test
    void noAnswerMeansNoUdpAndNothingKnown() {
        NetcheckResult r = NetcheckResult.of(new NetcheckReport(AT, Map.of(), Map.of(), null, null, null));
        assertThat(r.udpWorks()).isFalse();
        assertThat(r.globalV4()).isEmpty();
        assertThat(r.globalV6()).isEmpty();
        assertThat(r.mappingVariesByDestination()).isEmpty();
        assertThat(r.latencies()).isEmpty();
    }
}
