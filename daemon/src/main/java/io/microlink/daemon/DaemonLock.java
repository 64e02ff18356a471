package io.microlink.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * One daemon per state directory: an exclusive lock on {@code daemon.lock}, which holds the
 * owner's process ID for messages. The kernel drops the lock when the process dies, even by
 * SIGKILL, so a crashed daemon never blocks the next one.
 */
final class DaemonLock implements AutoCloseable {
    static final String FILE_NAME = "daemon.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DaemonLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Another live process holds the lock. */
    static final class HeldException extends Exception {
        private final String pid;

        HeldException(String pid) {
            super("held by pid " + pid);
            this.pid = pid;
        }

        /** The holder's process ID as it wrote it, or "unknown". */
        String pid() {
            return pid;
        }
    }

    /** Takes the lock (creating the file owner-only), or throws naming the process that holds it. */
    static DaemonLock acquire(Path stateDir) throws HeldException, IOException {
        Path file = stateDir.resolve(FILE_NAME);
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        try {
            FileLock lock = tryLock(ch);
            if (lock == null) {
                String pid = readPid(ch);
                throw new HeldException(pid.isEmpty() ? "unknown" : pid);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DaemonLock(ch, lock);
        } catch (HeldException | IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The lock, or null when another process (or this one, elsewhere) holds it. */
    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static String readPid(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(32);
        ch.read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // The process is ending; the kernel releases the lock anyway.
        }
    }
}
