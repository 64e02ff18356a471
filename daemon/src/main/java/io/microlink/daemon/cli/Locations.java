package io.microlink.daemon.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the state directory and the daemon's socket are: the flags first, then
 * {@code MICROLINK_STATE_DIR} / {@code MICROLINK_SOCKET}, then the defaults: {@code /var/lib/microlink}
 * for root, else {@code $XDG_STATE_HOME/microlink} (or {@code ~/.local/state/microlink}); the socket
 * is {@code microlink.sock} in the state directory.
 */
public final class Locations {
    public static final String SOCKET_NAME = "microlink.sock";
    /** What {@code microlink web --open} leaves for the browser: a page leading on to the link with the token. */
    public static final String WEB_OPENER_NAME = "web-open.html";

    private Locations() {}

    public static Path stateDir(String flag, Map<String, String> env) {
        if (flag != null) {
            return Path.of(flag).toAbsolutePath();
        }
        String fromEnv = env.get("MICROLINK_STATE_DIR");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath();
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/var/lib/microlink");
        }
        String xdg = env.get("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("microlink").toAbsolutePath();
    }

    public static Path socket(String flag, Map<String, String> env, Path stateDir) {
        if (flag != null) {
            return Path.of(flag).toAbsolutePath();
        }
        String fromEnv = env.get("MICROLINK_SOCKET");
        return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv).toAbsolutePath() : stateDir.resolve(SOCKET_NAME);
    }
}
