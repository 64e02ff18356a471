package io.microlink.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExampleArgsTest {
    private static ExampleArgs parse(String... argv) throws UsageException {
        return ExampleArgs.parse(List.of(argv), Set.of("count", "interval", "port"), Set.of("udp"));
    }

    @Test
    void readsValuesInBothFormsSwitchesAndPositionals() throws Exception {
        ExampleArgs a = parse("ping", "--count", "3", "laptop", "--interval=250ms", "--udp");
        assertThat(a.command()).isEqualTo("ping");
        assertThat(a.positionals("MODE", "PEER")).containsExactly("ping", "laptop");
        assertThat(a.intValue("count", 5, 1, 10)).isEqualTo(3);
        assertThat(a.duration("interval", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(a.flag("udp")).isTrue();
        assertThat(a.port("port")).isEqualTo(-1);
        assertThat(a.value("port", "fallback")).isEqualTo("fallback");
    }

    @Test
    void durationsTakeUnitsAndABareNumberIsSeconds() throws Exception {
        assertThat(parse("--interval", "2").duration("interval", null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(parse("--interval", "3m").duration("interval", null)).isEqualTo(Duration.ofMinutes(3));
        assertThat(parse("--interval", "1h").duration("interval", null)).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> parse("--interval", "0s").duration("interval", null))
                .hasMessage("--interval must be a duration like 500ms, 30s, 2m or 1h, got '0s'");
        assertThatThrownBy(() -> parse("--interval", "soon").duration("interval", null))
                .isInstanceOf(UsageException.class);
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> parse("--colour", "red")).hasMessage("unknown flag --colour");
        assertThatThrownBy(() -> parse("--count")).hasMessage("--count needs a value");
        assertThatThrownBy(() -> parse("--udp=yes")).hasMessage("--udp takes no value");
        assertThatThrownBy(() -> parse("--count", "x").intValue("count", 1, 1, 10))
                .hasMessage("--count must be a whole number from 1 to 10, got 'x'");
        assertThatThrownBy(() -> parse("--port", "70000").port("port"))
                .hasMessage("--port must be a whole number from 1 to 65535, got '70000'");
        assertThatThrownBy(() -> parse().positionals("PEER")).hasMessage("expected PEER, got nothing");
        assertThatThrownBy(() -> parse("a", "b").positionals()).hasMessage("unexpected argument 'a'");
    }
}
