package io.microlink.wireguard.config;

/** A configuration file is wrong; the message names the file, the line and the reason. */
public final class ConfigException extends Exception {
    /** The file's name as the user gave it. */
    private final String file;
    /** 1-based line number, or 0. */
    private final int line;
    /** What is wrong. */
    private final String reason;

    /**
     * A problem at one line of a file.
     *
     * @param file the file's name as the user gave it
     * @param line 1-based line number, or 0 if the problem is not on one line
     * @param reason what is wrong, for the user
     */
    public ConfigException(String file, int line, String reason) {
        super(file + ":" + line + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    /**
     * The file the problem is in.
     *
     * @return the file's name as the user gave it
     */
    public String file() {
        return file;
    }

    /**
     * The line the problem is on.
     *
     * @return 1-based line number; 0 if the problem is not on one line (e.g. a missing section)
     */
    public int line() {
        return line;
    }

    /**
     * The reason alone.
     *
     * @return what is wrong, without the file and line
     */
    public String reason() {
        return reason;
    }
}
