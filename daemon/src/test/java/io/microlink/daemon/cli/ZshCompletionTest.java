package io.microlink.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.microlink.daemon.verbs.Verbs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zsh completion function: its text; run by zsh with the completion system's
 * {@code _describe}/{@code _arguments} replaced by stand-ins that print what they are handed,
 * which verbs and flag specs it hands over for the words typed so far; and in an interactive zsh
 * on a pseudo-terminal with compinit, what a Tab really completes.
 */
class ZshCompletionTest {
    @TempDir
    Path tmp;

    private final String script = ZshCompletion.script(Verbs.all());

    @Test
    void describesEveryVerbAndEveryFlag() {
        assertThat(script).startsWith("#compdef microlink\n");
        for (Verb v : Verbs.all()) {
            assertThat(script).contains("'" + v.name() + ":").contains("        " + v.name() + ") _arguments");
            for (Options.Flag f : v.options().flags()) {
                assertThat(script).as(v.name()).contains("--" + f.name());
            }
        }
        assertThat(script).contains("'--state-dir=[the daemon''s state directory".replace("''", "'\\''"))
                .contains(":DIR:_files -/'").contains("'(-c --count)'{-c,--count=}'[pings to send (default 10)]:N: '");
    }

    private Shell.Result zsh(int current, String... words) throws Exception {
        Files.writeString(tmp.resolve("_microlink"), script);
        return Shell.run(tmp, List.of("zsh", "-f", "-c", """
                _describe() { print -r -- "describe $*" }
                _arguments() { local a; for a in "$@"; do print -r -- "arg $a"; done }
                words=(%s) CURRENT=%d
                source ./_microlink
                """.formatted(String.join(" ", words), current)));
    }

    @Test
    void zshParsesTheScript() throws Exception {
        assumeTrue(Shell.installed("zsh"));
        Files.writeString(tmp.resolve("_microlink"), script);
        Shell.Result r = Shell.run(tmp, List.of("zsh", "-n", "_microlink"));
        assertThat(r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void zshOffersTheVerbsFirstAndThenThatVerbsFlags() throws Exception {
        assumeTrue(Shell.installed("zsh"));
        Shell.Result first = zsh(2, "microlink", "sta");
        assertThat(first.stderr()).isEmpty();
        assertThat(first.stdout()).isEqualTo("describe -t commands microlink command verbs\n");

        Shell.Result status = zsh(3, "microlink", "status", "--j");
        assertThat(status.stderr()).isEmpty();
        assertThat(status.stdout().lines()).contains("arg -s", "arg --json[print JSON instead of a table]",
                "arg (-h --help)-h[show this help]", "arg (-h --help)--help[show this help]")
                .anyMatch(l -> l.startsWith("arg --socket=[the daemon's socket") && l.endsWith(":PATH:_files"))
                .noneMatch(l -> l.contains("--auth-key"));

        Shell.Result up = zsh(3, "microlink", "up", "--");
        assertThat(up.stdout().lines()).anyMatch(l -> l.startsWith("arg --auth-key-file=[") && l.endsWith(":FILE:_files"))
                .anyMatch(l -> l.startsWith("arg --dns-upstream=[") && l.endsWith(":IP[\\:PORT],...: "));
    }

    @Test
    void anInteractiveZshCompletesVerbsFlagsAndFileNamesWithTab() throws Exception {
        assumeTrue(Shell.installed("zsh"));
        Files.writeString(tmp.resolve("_microlink"), script);
        Files.writeString(tmp.resolve("key.txt"), "not a key");
        // Each case types the words and a Tab, then moves to the start of the line and turns it
        // into a print of the completed line, which the driver waits to see.
        Shell.Result r = Shell.run(tmp, List.of("zsh", "-f", "-c", """
                zmodload zsh/zpty
                zpty z zsh -f -i
                zpty -w z 'PS1="> "; fpath=(%s $fpath); autoload -Uz compinit; compinit -u -D'
                expect() {
                    zpty -w -n z "$1"$'\\t'$'\\C-a''print -r -- "@@"'$'\\n'
                    zpty -r -m z out '*@@'"$2"'*' && print -r -- "completed: $2"
                }
                expect 'microlink st' 'microlink status'
                expect 'microlink status --j' 'microlink status --json'
                expect 'microlink ping --st' 'microlink ping --state-dir'
                expect 'microlink up --auth-key-file ke' 'microlink up --auth-key-file key.txt'
                zpty -d z
                """.formatted(tmp)));
        assertThat(r.stdout().lines()).containsExactly("completed: microlink status",
                "completed: microlink status --json", "completed: microlink ping --state-dir",
                "completed: microlink up --auth-key-file key.txt");
    }
}
