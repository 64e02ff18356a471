package io.microlink.host.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FlagValuesTest {
    @Test
    void wholeNumbersMustBeInTheirRange() {
        assertThat(FlagValues.wholeNumber("port", "8080", 1, 65535)).isEqualTo(8080);
        assertThatThrownBy(() -> FlagValues.wholeNumber("port", "0", 1, 65535))
                .hasMessage("--port must be a whole number from 1 to 65535, got '0'");
        assertThatThrownBy(() -> FlagValues.wholeNumber("count", "x", 1, 9))
                .hasMessage("--count must be a whole number from 1 to 9, got 'x'");
    }

    @Test
    void durationsHaveAUnitOrAreSeconds() {
        assertThat(FlagValues.duration("500ms")).contains(Duration.ofMillis(500));
        assertThat(FlagValues.duration("30")).contains(Duration.ofSeconds(30));
        assertThat(FlagValues.duration("2m")).contains(Duration.ofMinutes(2));
        assertThat(FlagValues.duration("1h")).contains(Duration.ofHours(1));
        assertThat(FlagValues.duration("0s")).contains(Duration.ZERO);
        assertThat(FlagValues.duration("fast")).isEmpty();
        assertThat(FlagValues.duration("5d")).isEmpty();
    }
}
