package io.microlink.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {
    private final Options options = new Options()
            .flag("json", null, "print JSON")
            .flag("ipv4", "4", "IPv4 only")
            .value("count", "c", "N", "how many")
            .value("timeout", null, "DURATION", "how long");

    @Test
    void longShortEqualsAndPositionalsInAnyOrder() throws Exception {
        Options.Parsed p = options.parse(List.of("laptop", "-c", "3", "--timeout=2m", "-4", "--json=false", "--",
                "--not-a-flag"));
        assertThat(p.positionals()).containsExactly("laptop", "--not-a-flag");
        assertThat(p.intValue("count", 10, 1, 100)).isEqualTo(3);
        assertThat(p.duration("timeout", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.flag("ipv4")).isTrue();
        assertThat(p.flag("json")).isFalse();
        assertThat(options.parse(List.of()).intValue("count", 10, 1, 100)).isEqualTo(10);
    }

    @Test
    void mistakesAreUsageErrorsThatNameTheFlag() {
        assertThatThrownBy(() -> options.parse(List.of("--colour"))).isInstanceOf(UsageException.class)
                .hasMessage("unknown flag --colour");
        assertThatThrownBy(() -> options.parse(List.of("-c"))).hasMessage("flag --count needs a value (N)");
        assertThatThrownBy(() -> options.parse(List.of("--json=maybe"))).hasMessageContaining("true or false");
        assertThatThrownBy(() -> options.parse(List.of("-c", "x")).intValue("count", 1, 1, 9))
                .hasMessage("--count must be a whole number from 1 to 9, got 'x'");
        assertThatThrownBy(() -> options.parse(List.of("--timeout", "soon")).duration("timeout", Duration.ZERO))
                .hasMessageContaining("like 500ms, 30s, 2m or 1h");
        assertThatThrownBy(() -> options.parse(List.of("a", "b")).requirePositionals("PEER"))
                .hasMessage("expected PEER, got a b");
    }

    @Test
    void helpListsEveryFlagWithItsValueName() {
        assertThat(options.help()).contains("-c, --count N").contains("--timeout DURATION").contains("-4, --ipv4");
    }

    @Test
    void durationsReadAndPrintLikePeopleWriteThem() throws Exception {
        assertThat(Durations.parse("t", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("t", "45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Durations.human(Duration.ofSeconds(184))).isEqualTo("3m4s");
        assertThatThrownBy(() -> Durations.parse("t", "0s")).hasMessageContaining("longer than zero");
    }
}
