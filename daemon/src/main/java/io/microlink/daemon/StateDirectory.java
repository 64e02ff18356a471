package io.microlink.daemon;

import io.microlink.daemon.cli.CliException;
import io.microlink.daemon.cli.Locations;
import io.microlink.host.settings.SettingsStore;
import io.microlink.state.NodeFiles;
import io.microlink.web.WebToken;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files the daemon owns in its state directory, and the factory reset that erases them.
 * Only these are touched: a state directory pointed at by mistake (a home directory, say)
 * loses nothing else.
 */
public final class StateDirectory {
    private final Path dir;

    public StateDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * The daemon's files: the node's (identity keys, peer cache, its lock), settings, the lock, the
     * socket, and the web page's token (a reset revokes every link to the page) with its opener page.
     */
    List<Path> ownedFiles() {
        List<Path> owned = new ArrayList<>(NodeFiles.NAMES.stream().map(dir::resolve).toList());
        owned.addAll(List.of(new SettingsStore(dir).file(), dir.resolve(DaemonLock.FILE_NAME),
                dir.resolve(Locations.SOCKET_NAME), dir.resolve(WebToken.FILE_NAME),
                dir.resolve(Locations.WEB_OPENER_NAME)));
        return owned;
    }

    /**
     * Erases every file the daemon owns, with the temp files of interrupted writes, while
     * holding the lock so no daemon starts meanwhile. Returns what was removed.
     *
     * @throws CliException when a daemon runs on this directory (its pid in the message)
     */
    public List<Path> factoryReset() throws CliException, IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> removed = new ArrayList<>();
        try (DaemonLock _ = DaemonLock.acquire(dir)) {
            for (Path f : ownedFiles()) {
                if (!f.getFileName().toString().equals(DaemonLock.FILE_NAME) && Files.deleteIfExists(f)) {
                    removed.add(f);
                }
            }
            try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, this::isLeftoverTemp)) {
                for (Path t : temps) {
                    Files.deleteIfExists(t);
                    removed.add(t);
                }
            }
            Path lock = dir.resolve(DaemonLock.FILE_NAME);
            if (Files.deleteIfExists(lock)) {
                removed.add(lock);
            }
        } catch (DaemonLock.HeldException e) {
            throw running(e);
        }
        return removed;
    }

    /** Returns when no daemon runs on this directory. */
    public void checkNotRunning() throws CliException, IOException {
        if (Files.isDirectory(dir)) {
            try (DaemonLock _ = DaemonLock.acquire(dir)) {
                // free: released at once
            } catch (DaemonLock.HeldException e) {
                throw running(e);
            }
        }
    }

    private CliException running(DaemonLock.HeldException e) {
        return new CliException("the daemon (pid " + e.pid() + ") is running on " + dir + "; stop it first"
                + " (e.g. systemctl stop microlink), or add --stop to ask it to stop");
    }

    /** A temp file of an atomic write that a crash left behind: {@code .<owned name>-<random>.tmp}. */
    private boolean isLeftoverTemp(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".tmp") && ownedFiles().stream()
                .anyMatch(f -> name.startsWith("." + f.getFileName() + "-"));
    }
}
