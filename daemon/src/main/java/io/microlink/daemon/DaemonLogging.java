package io.microlink.daemon;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The daemon's log: one line per event on stderr (journald adds its own timestamps, a
 * terminal gets ours), INFO and up by default, the {@code io.microlink} loggers' debug
 * detail with the {@code verbose} debug flag, switchable while running.
 */
final class DaemonLogging {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());
    /** Held strongly: java.util.logging keeps loggers only weakly, and would forget the level. */
    private static final Logger MICROLINK = Logger.getLogger("io.microlink");
    private static volatile boolean verbose;

    private DaemonLogging() {}

    static void install(boolean verboseNow) {
        LogManager.getLogManager().reset();
        if (LogManager.getLogManager() instanceof LastingLogManager lasting) {
            lasting.installed = true;
        }
        Handler stderr = new ConsoleHandler();
        stderr.setLevel(Level.ALL);
        stderr.setFormatter(new OneLine());
        Logger root = Logger.getLogger("");
        root.addHandler(stderr);
        root.setLevel(Level.INFO);
        setVerbose(verboseNow);
    }

    static void setVerbose(boolean on) {
        verbose = on;
        MICROLINK.setLevel(on ? Level.FINE : null);
    }

    /**
     * The JDK resets logging in a shutdown hook of its own, which may run before ours has
     * stopped the node, and its last lines would be lost. Once the daemon installed its
     * handler, this manager ignores resets. {@link Main} selects it (the
     * {@code java.util.logging.manager} property) before anything logs.
     */
    public static final class LastingLogManager extends LogManager {
        private volatile boolean installed;

        @Override
        public void reset() {
            if (!installed) {
                super.reset();
            }
        }
    }

    private static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            String name = r.getLoggerName() == null ? "" : r.getLoggerName().replaceFirst("^io\\.microlink\\.", "");
            StringBuilder sb = new StringBuilder().append(TIME.format(r.getInstant())).append(' ')
                    .append(r.getLevel().getName()).append(' ').append(name).append(": ").append(formatMessage(r));
            Throwable t = r.getThrown();
            if (t != null && verbose) {
                StringWriter trace = new StringWriter();
                t.printStackTrace(new PrintWriter(trace));
                sb.append('\n').append(trace.toString().stripTrailing());
            } else if (t != null) {
                sb.append(": ").append(t);
            }
            return sb.append(System.lineSeparator()).toString();
        }
    }
}
