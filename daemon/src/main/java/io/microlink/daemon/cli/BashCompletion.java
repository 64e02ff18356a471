package io.microlink.daemon.cli;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The bash completion script for {@code microlink}, written from the verbs' own flag
 * declarations: verbs after {@code microlink} (and after {@code microlink help}), each verb's
 * flags after a {@code -}, and file or directory names after a flag whose value is one
 * ({@link Options.Flag#takesFile()}), also in the {@code --flag=value} form.
 *
 * <pre>{@code
 * source <(microlink completion bash)
 * }</pre>
 */
public final class BashCompletion {
    /** The function the script defines and registers with {@code complete -F}. */
    public static final String FUNCTION = "_microlink";

    private BashCompletion() {}

    public static String script(List<Verb> verbs) {
        String names = verbs.stream().map(Verb::name).collect(Collectors.joining(" "));
        StringBuilder sb = new StringBuilder();
        sb.append("# bash completion for microlink, written by `microlink completion bash`.\n")
                .append("# Install: microlink completion bash > /etc/bash_completion.d/microlink\n")
                .append(FUNCTION).append("() {\n")
                .append("    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n")
                .append("    local flags='' files='' dirs='' values=''\n")
                .append("    COMPREPLY=()\n")
                // COMP_WORDBREAKS splits --flag=value into "--flag" "=" "value".
                .append("    if [[ $prev == = && $COMP_CWORD -ge 3 ]]; then prev=${COMP_WORDS[COMP_CWORD-2]}; fi\n")
                .append("    if [[ $COMP_CWORD -eq 1 ]]; then\n")
                .append("        COMPREPLY=($(compgen -W '").append(names).append(" help --help --version' -- \"$cur\"))\n")
                .append("        return 0\n")
                .append("    fi\n")
                .append("    case ${COMP_WORDS[1]} in\n")
                .append("        help) [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W '").append(names)
                .append("' -- \"$cur\")); return 0 ;;\n");
        for (Verb v : verbs) {
            List<Options.Flag> flags = CommonFlags.of(v).flags();
            sb.append("        ").append(v.name()).append(")")
                    .append(" flags='").append(words(flags.stream().flatMap(BashCompletion::spellings))).append("'")
                    .append(" files='").append(words(flags.stream().filter(Options.Flag::takesFile)
                            .flatMap(BashCompletion::spellings))).append("'")
                    .append(" dirs='").append(words(flags.stream().filter(Options.Flag::takesDirectory)
                            .flatMap(BashCompletion::spellings))).append("'")
                    .append(" values='").append(words(flags.stream().filter(Options.Flag::takesValue)
                            .flatMap(BashCompletion::spellings))).append("' ;;\n");
        }
        sb.append("        *) return 0 ;;\n")
                .append("    esac\n")
                .append("    if [[ \" $files \" == *\" $prev \"* ]]; then\n")
                .append("        compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\")); return 0\n")
                .append("    fi\n")
                .append("    if [[ \" $dirs \" == *\" $prev \"* ]]; then\n")
                .append("        compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$cur\")); return 0\n")
                .append("    fi\n")
                // Any other value (a name, a port, a duration) has nothing to offer.
                .append("    if [[ \" $values \" == *\" $prev \"* ]]; then return 0; fi\n")
                .append("    if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\")); fi\n")
                .append("    return 0\n")
                .append("}\n")
                .append("complete -F ").append(FUNCTION).append(" microlink\n");
        return sb.toString();
    }

    /** {@code --name} and, when it has one, {@code -s}. */
    private static Stream<String> spellings(Options.Flag f) {
        return f.shortName() == null ? Stream.of("--" + f.name()) : Stream.of("--" + f.name(), "-" + f.shortName());
    }

    private static String words(Stream<String> s) {
        return s.collect(Collectors.joining(" "));
    }
}
