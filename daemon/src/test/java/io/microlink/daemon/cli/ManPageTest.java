package io.microlink.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.microlink.daemon.verbs.Verbs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The man page: every verb and flag in it, and groff renders it without a warning. */
class ManPageTest {
    @TempDir
    Path tmp;

    private final String roff = ManPage.roff(Verbs.all());

    @Test
    void hasEveryVerbAndFlagEscapedForRoff() {
        assertThat(roff).startsWith(".TH MICROLINK 1 ");
        for (Verb v : Verbs.all()) {
            assertThat(roff).contains(".SS \"microlink " + ManPage.text(v.name()) + " [flags]")
                    .contains(ManPage.text(v.summary()));
            for (Options.Flag f : v.options().flags()) {
                assertThat(roff).as(v.name()).contains(".B \"" + ManPage.text(f.synopsis().strip()) + "\"");
            }
        }
        assertThat(roff).contains(".B \"\\-h, \\-\\-help\"").contains(".B \"\\-\\-state\\-dir DIR\"");
        // No text line may start with a dot or quote unless it is one of our requests.
        assertThat(roff.lines()).allMatch(l -> !l.startsWith("'") && (!l.startsWith(".") || l.matches("\\.[A-Z]{1,2}( .*)?")));
    }

    @Test
    void escapesWhatRoffWouldReadAsItsOwn() {
        assertThat(ManPage.text("a\\b --x\n.not a request\n\n'quote")).isEqualTo("a\\eb \\-\\-x\n\\&.not a request\n.PP\n\\&'quote");
    }

    @Test
    void groffRendersItWithoutWarnings() throws Exception {
        assumeTrue(Shell.installed("groff"));
        Files.writeString(tmp.resolve("microlink.1"), roff);
        Shell.Result r = Shell.run(tmp, List.of("groff", "-man", "-Tutf8", "-ww", "microlink.1"));
        assertThat(r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
        // grotty marks bold by overstriking (c BACKSPACE c); read it as plain text.
        assertThat(r.stdout().replaceAll(".\b", "")).contains("microlink status [flags]").contains("--auth-key-file FILE")
                .contains("MICROLINK_STATE_DIR");
    }
}
