package io.microlink.interop.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrowthRuleTest {
    private final GrowthRule rule = new GrowthRule("threads", 2);

    @Test
    void aPlateauAboveTheStartPassesWithinTheMargin() {
        assertThat(rule.violation(List.of(10L, 14L, 11L, 13L, 15L, 16L, 16L, 15L, 16L))).isNull();
    }

    @Test
    void steadyGrowthFails() {
        assertThat(rule.violation(List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L)))
                .contains("threads grew").contains("18").contains("12");
    }

    @Test
    void tooFewSamplesFailRatherThanPassUnseen() {
        assertThat(rule.violation(List.of(1L, 1L))).contains("only 2 samples");
    }
}
