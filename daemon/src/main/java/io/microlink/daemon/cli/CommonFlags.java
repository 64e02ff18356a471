package io.microlink.daemon.cli;

/**
 * The flags every verb takes besides its own: --help, --state-dir and --socket. {@link Cli}
 * parses with them, and help, shell completion and the man page list them from here too.
 */
public final class CommonFlags {
    private CommonFlags() {}

    /** {@code options} with the common flags added after the verb's own. */
    public static Options addTo(Options options) {
        return options.flag("help", "h", "show this help")
                .value("state-dir", null, "DIR", "the daemon's state directory (default: $MICROLINK_STATE_DIR,"
                        + " /var/lib/microlink for root, ~/.local/state/microlink otherwise)")
                .value("socket", null, "PATH", "the daemon's socket (default: $MICROLINK_SOCKET or"
                        + " STATE_DIR/microlink.sock)");
    }

    /** Every flag {@code verb} accepts: its own, then the common ones. */
    public static Options of(Verb verb) {
        return addTo(verb.options());
    }
}
