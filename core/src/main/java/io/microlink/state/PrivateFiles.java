package io.microlink.state;

import io.microlink.StateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes the files of a state directory the one safe way: a temp file in the same
 * directory (owner-only from birth), synced, renamed over the old file, then the directory
 * synced so the rename itself survives a power cut. A crash leaves the old file or the new
 * one, never a torn one; the directory is created owner-only when missing.
 *
 * <pre>{@code
 * PrivateFiles.writeAtomically(dir.resolve("settings.json"), bytes);
 * }</pre>
 */
public final class PrivateFiles {
    private PrivateFiles() {}

    /** Replaces {@code file} with {@code content}; the message of a failure names the file, never the content. */
    public static void writeAtomically(Path file, byte[] content) throws StateException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            createPrivateDirectory(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(content));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new StateException("cannot replace " + file + " atomically on this file system");
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (StateException e) {
            throw e;
        } catch (IOException e) {
            throw new StateException("cannot write " + file + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Best effort: a leftover temp file holds no more than the file itself.
                }
            }
        }
    }

    /** Creates {@code dir} (and its parents) with the directory itself owner-only; an existing one is left as it is. */
    public static void createPrivateDirectory(Path dir) throws IOException {
        try {
            if (dir.getParent() != null) {
                Files.createDirectories(dir.getParent());
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // An existing directory keeps its permissions; the files in it are owner-only.
        }
    }
}
