package io.microlink.wireguard.config;

/** A configuration file is wrong; the message names the file, the line and the reason. */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;
    private final String reason;

    public ConfigException(String file, int line, String reason) {
        super(file + ":" + line + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    /** 1-based line number; 0 if the problem is not on one line (e.g. a missing section). */
    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
