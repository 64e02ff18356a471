package io.microlink.netstack;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link System.Logger} that keeps every message at WARNING or above, formatted, for tests to count. */
public final class RecordingLogger implements System.Logger {
    /** The messages logged, with the thrown exception's class name appended when there was one. */
    public final List<String> messages = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
        return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
        return level.compareTo(Level.WARNING) >= 0;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (isLoggable(level)) {
            messages.add(msg + (thrown == null ? "" : " / " + thrown.getClass().getSimpleName()));
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (isLoggable(level)) {
            messages.add(params == null || params.length == 0 ? format : MessageFormat.format(format, params));
        }
    }
}
