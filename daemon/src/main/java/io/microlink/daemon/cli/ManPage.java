package io.microlink.daemon.cli;

import io.microlink.Version;
import java.util.List;

/**
 * The {@code microlink(1)} man page in roff ({@code man} macros), written from the verbs'
 * summaries, details and flag declarations, so it says what {@code --help} says.
 *
 * <pre>{@code
 * microlink man > /usr/share/man/man1/microlink.1
 * }</pre>
 */
public final class ManPage {
    private ManPage() {}

    public static String roff(List<Verb> verbs) {
        StringBuilder sb = new StringBuilder()
                .append(".TH MICROLINK 1 \"\" \"microlink ").append(text(Version.VERSION)).append("\" \"User Commands\"\n")
                .append(".SH NAME\n")
                .append("microlink \\- a Tailscale-compatible tailnet node in Java, and the commands to steer it\n")
                .append(".SH SYNOPSIS\n")
                .append(".B microlink\n.I command\n.RI [ flags ]\n.RI [ arguments ]\n")
                .append(".SH DESCRIPTION\n")
                .append(".B microlink daemon\nruns the node; the other commands ask it over its socket in the state"
                        + " directory.\n")
                .append(".B microlink\n.I command\n.B \\-\\-help\ntells the same as this page about one command.\n")
                .append(".SH COMMANDS\n");
        for (Verb v : verbs) {
            sb.append(".SS \"microlink ").append(text(v.name())).append(" [flags]")
                    .append(v.arguments().isEmpty() ? "" : " " + text(v.arguments())).append("\"\n")
                    .append(text(v.summary())).append('\n');
            if (!v.details().isEmpty()) {
                sb.append(".PP\n").append(text(v.details().strip())).append('\n');
            }
            for (Options.Flag f : v.options().flags()) {
                flag(sb, f);
            }
        }
        sb.append(".SH COMMON FLAGS\nEvery command also takes:\n");
        CommonFlags.addTo(new Options()).flags().forEach(f -> flag(sb, f));
        return sb.append(".SH ENVIRONMENT\n")
                .append(".TP\n.B MICROLINK_STATE_DIR\nthe state directory when \\-\\-state\\-dir is not given\n")
                .append(".TP\n.B MICROLINK_SOCKET\nthe daemon's socket when \\-\\-socket is not given\n")
                .append(".SH EXIT STATUS\n")
                .append("0 done, 1 failed, 2 bad command line, 78 unusable state directory.\n")
                .append(".SH SEE ALSO\n")
                .append("The shell completion scripts:\n.B microlink completion bash\nand\n.BR \"microlink completion zsh\" .\n")
                .toString();
    }

    private static void flag(StringBuilder sb, Options.Flag f) {
        sb.append(".TP\n").append(".B \"").append(text(f.synopsis().strip())).append("\"\n")
                .append(text(f.description())).append('\n');
    }

    /**
     * Text as roff prints it: backslashes and dashes escaped (a bare {@code -} may become a
     * hyphen, so a flag would not copy-paste), no line read as a request, and an empty line a
     * new paragraph.
     */
    static String text(String s) {
        StringBuilder sb = new StringBuilder();
        for (String line : s.replace("\\", "\\e").replace("-", "\\-").split("\n", -1)) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(line.isBlank() ? ".PP" : line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line);
        }
        return sb.toString();
    }
}
