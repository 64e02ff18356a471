package io.microlink.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.daemon.verbs.Verbs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mistyped command or flag answers one line with the likely meant one, exit code 2. */
class CliSuggestionsTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("MICROLINK_STATE_DIR", tmp.toString()));
        return new Cli(Verbs.all()).run(args, io);
    }

    @Test
    void aMistypedCommandGetsTheCloseOne() {
        assertThat(run("stauts")).isEqualTo(Cli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("microlink: unknown command 'stauts'; did you mean 'status'?\n");
        err.reset();
        assertThat(run("help", "netchek")).isEqualTo(Cli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("microlink: unknown command 'netchek'; did you mean 'netcheck'?\n");
    }

    @Test
    void aCommandFarFromAnyStillPointsAtHelp() {
        assertThat(run("frobnicate")).isEqualTo(Cli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("microlink: unknown command 'frobnicate'; see microlink --help\n");
    }

    @Test
    void aMistypedFlagGetsTheCloseOneOfThatVerbOrTheCommonOnes() {
        assertThat(run("status", "--jsno")).isEqualTo(Cli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                "microlink status: unknown flag --jsno (did you mean --json?); see microlink status --help\n");
        err.reset();
        assertThat(run("ping", "--stat-dir", "x", "peer")).isEqualTo(Cli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown flag --stat-dir (did you mean --state-dir?)");
        err.reset();
        assertThat(run("status", "--colour")).isEqualTo(Cli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("microlink status: unknown flag --colour; see microlink status --help\n");
    }
}
