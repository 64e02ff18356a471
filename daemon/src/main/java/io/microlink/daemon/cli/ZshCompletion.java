package io.microlink.daemon.cli;

import java.util.List;

/**
 * The zsh completion function for {@code microlink}, written from the verbs' own flag
 * declarations: verbs with their summaries, each verb's flags with their descriptions, and file or
 * directory names for a flag whose value is one.
 *
 * <pre>{@code
 * microlink completion zsh > "${fpath[1]}/_microlink"
 * }</pre>
 */
public final class ZshCompletion {
    private ZshCompletion() {}

    public static String script(List<Verb> verbs) {
        StringBuilder sb = new StringBuilder("#compdef microlink\n")
                .append("# zsh completion for microlink, written by `microlink completion zsh`.\n")
                .append("# Install: microlink completion zsh > \"${fpath[1]}/_microlink\"\n")
                .append("_microlink() {\n")
                .append("    local -a verbs\n")
                .append("    verbs=(\n");
        for (Verb v : verbs) {
            sb.append("        ").append(quote(v.name() + ":" + v.summary())).append('\n');
        }
        sb.append("    )\n")
                .append("    if (( CURRENT == 2 )); then\n")
                .append("        _describe -t commands 'microlink command' verbs\n")
                .append("        return\n")
                .append("    fi\n")
                // From here on _arguments sees the verb's words only.
                .append("    shift words\n")
                .append("    (( CURRENT-- ))\n")
                .append("    case $words[1] in\n")
                .append("        help) (( CURRENT == 2 )) && _describe -t commands 'microlink command' verbs ;;\n");
        for (Verb v : verbs) {
            sb.append("        ").append(v.name()).append(") _arguments -s");
            for (Options.Flag f : CommonFlags.of(v).flags()) {
                sb.append(" \\\n            ").append(spec(f));
            }
            sb.append(" ;;\n");
        }
        return sb.append("    esac\n")
                .append("}\n")
                .append("_microlink \"$@\"\n").toString();
    }

    /** One _arguments spec, e.g. {@code '(-c --count)'{-c,--count=}'[pings to send]:N: '}. */
    private static String spec(Options.Flag f) {
        String value = !f.takesValue() ? "" : ":" + f.valueName().replace("\\", "\\\\").replace(":", "\\:") + ":"
                + (f.takesDirectory() ? "_files -/" : f.takesFile() ? "_files" : " ");
        String rest = "[" + f.description().replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]") + "]" + value;
        String eq = f.takesValue() ? "=" : "";
        if (f.shortName() == null) {
            return quote("--" + f.name() + eq + rest);
        }
        return quote("(-" + f.shortName() + " --" + f.name() + ")") + "{-" + f.shortName() + ",--" + f.name() + eq + "}"
                + quote(rest);
    }

    /** Single-quoted for zsh: nothing inside is special but the quote itself. */
    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
