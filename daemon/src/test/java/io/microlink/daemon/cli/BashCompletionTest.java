package io.microlink.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.microlink.daemon.verbs.Verbs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bash completion script: what it lists, and what bash itself completes with it sourced. */
class BashCompletionTest {
    @TempDir
    Path tmp;

    private final String script = BashCompletion.script(Verbs.all());

    @Test
    void listsEveryVerbAndEachVerbsOwnAndCommonFlags() {
        for (Verb v : Verbs.all()) {
            assertThat(v.name()).matches("[a-z][a-z0-9-]*");
            String line = script.lines().filter(l -> l.startsWith("        " + v.name() + ")")).findFirst()
                    .orElseThrow(() -> new AssertionError("no case for " + v.name()));
            for (Options.Flag f : CommonFlags.of(v).flags()) {
                assertThat(f.name()).matches("[a-z0-9][a-z0-9-]*");
                assertThat(line).as(v.name()).contains("--" + f.name());
            }
            assertThat(line).containsPattern("files='[^']*--socket'").containsPattern("dirs='[^']*--state-dir'");
        }
        assertThat(script).contains("complete -F _microlink microlink");
    }

    @Test
    void flagsTakingAFileCompleteFileNames() {
        String up = script.lines().filter(l -> l.startsWith("        up)")).findFirst().orElseThrow();
        assertThat(up).contains("files='--auth-key-file --proxy-password-file --socket'");
        assertThat(up).doesNotContain("files='--auth-key ");
    }

    /** What bash's completion function offers for the words typed so far (the last one partial). */
    private List<String> complete(String... words) throws Exception {
        Path file = tmp.resolve("microlink.bash");
        Files.writeString(file, script);
        StringBuilder typed = new StringBuilder();
        for (String w : words) {
            typed.append(" '").append(w).append("'");
        }
        Shell.Result r = Shell.run(tmp, List.of("bash", "--norc", "--noprofile", "-c",
                "source ./microlink.bash && COMP_WORDS=(microlink" + typed + ") && COMP_CWORD=" + words.length
                        + " && _microlink && printf '%s\\n' \"${COMPREPLY[@]}\""));
        assertThat(r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
        return r.stdout().isEmpty() ? List.of() : Arrays.asList(r.stdout().split("\n"));
    }

    @Test
    void bashCompletesAPartialVerb() throws Exception {
        assumeTrue(Shell.installed("bash"));
        assertThat(complete("sta")).containsExactly("status");
        assertThat(complete("n")).containsExactlyInAnyOrder("nc", "netcheck");
        assertThat(complete("help", "pi")).containsExactly("ping");
    }

    @Test
    void bashCompletesAPartialFlagOfThatVerb() throws Exception {
        assumeTrue(Shell.installed("bash"));
        assertThat(complete("status", "--j")).containsExactly("--json");
        assertThat(complete("up", "--auth-key")).containsExactlyInAnyOrder("--auth-key", "--auth-key-file");
        assertThat(complete("ping", "--s")).containsExactlyInAnyOrder("--state-dir", "--socket");
        assertThat(complete("status", "--auth")).isEmpty();
    }

    @Test
    void bashCompletesFileNamesAfterAFileFlagAndNothingAfterAnotherValue() throws Exception {
        assumeTrue(Shell.installed("bash"));
        Files.writeString(tmp.resolve("key.txt"), "not a key");
        Files.createDirectory(tmp.resolve("keys.d"));
        assertThat(complete("up", "--auth-key-file", "ke")).containsExactlyInAnyOrder("key.txt", "keys.d");
        assertThat(complete("up", "--state-dir", "ke")).containsExactly("keys.d");
        // --flag=value reaches the function as "--flag" "=" "value".
        assertThat(complete("up", "--auth-key-file", "=", "key.")).containsExactly("key.txt");
        assertThat(complete("up", "--hostname", "ke")).isEmpty();
    }
}
