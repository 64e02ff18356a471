package io.microlink.state;

import io.microlink.StateException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files a node keeps in its state directory ({@link #NAMES}): one running node at a time
 * holds the lock, and a factory reset erases them (keys and peer cache). They are plain
 * files, so deleting them by hand is a factory reset too.
 *
 * <pre>{@code
 * try (NodeFiles.Lock lock = NodeFiles.lock(dir)) {
 *     ... run the node ...
 * }
 * NodeFiles.factoryReset(dir);   // afterwards: the next start registers as a new node
 * }</pre>
 */
public final class NodeFiles {
    static final String LOCK_FILE = "node.lock";
    /** Everything a node writes in its state directory, the lock last; temp files of interrupted writes aside. */
    public static final List<String> NAMES = List.of(StateStore.FILE_NAME, PeerCache.FILE_NAME, LOCK_FILE);

    private NodeFiles() {}

    /** Held while a node runs on the directory; closing releases it. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;

        private Lock(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void close() {
            try {
                channel.close(); // releases the lock with the channel
            } catch (IOException ignored) {
                // The lock dies with the channel or with the process either way.
            }
        }
    }

    /**
     * Locks {@code dir} (created owner-only if missing) for one running node, in this process
     * or another.
     *
     * @throws StateException if another node holds it, or it cannot be created
     */
    public static Lock lock(Path dir) throws StateException {
        Path file = dir.resolve(LOCK_FILE);
        FileChannel channel = null;
        try {
            PrivateFiles.createPrivateDirectory(dir);
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            FileLock held = channel.tryLock();
            if (held == null) {
                throw inUse(dir);
            }
            return new Lock(channel);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw inUse(dir); // a node in this very process holds it
        } catch (StateException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StateException("cannot lock state directory " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Erases the node's keys and peer cache in {@code dir}: the next start registers as a new
     * node (and needs an auth key or a login), as on a fresh machine. Files the node does not
     * own stay, and so does the directory.
     *
     * @throws StateException if a node is running on {@code dir}, or a file cannot be deleted
     */
    public static void factoryReset(Path dir) throws StateException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Lock lock = lock(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(NodeFiles::isTempOfNodeFile).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            for (String name : NAMES) {
                Files.deleteIfExists(dir.resolve(name)); // the lock last: no node starts before the end
            }
        } catch (StateException e) {
            throw e;
        } catch (IOException e) {
            throw new StateException("cannot erase the node's files in " + dir + ": " + e.getMessage());
        }
    }

    /** A temp file an interrupted atomic write left: {@code .<name>-<random>.tmp} ({@link PrivateFiles}). */
    private static boolean isTempOfNodeFile(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".tmp") && NAMES.stream().anyMatch(f -> name.startsWith("." + f + "-"));
    }

    private static StateException inUse(Path dir) {
        return new StateException("state directory " + dir + " is in use by a running node; stop that node first");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was locked through it.
            }
        }
    }
}
