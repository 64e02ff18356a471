package io.microlink.wireguard;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what one logger (java.util.logging, which backs System.Logger here) records at WARNING or above. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                records.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private LogCapture(String name) {
        logger = Logger.getLogger(name);
        logger.addHandler(handler);
    }

    /** Starts collecting from the logger of that name; close to stop. */
    public static LogCapture of(String name) {
        return new LogCapture(name);
    }

    /** The warnings and errors so far, formatted. */
    public List<String> warnings() {
        return records.stream().map(r -> r.getParameters() == null ? r.getMessage()
                : java.text.MessageFormat.format(r.getMessage(), r.getParameters())).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
