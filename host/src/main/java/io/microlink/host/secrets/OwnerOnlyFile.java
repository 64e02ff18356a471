package io.microlink.host.secrets;

import io.microlink.StateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A one-line secret (an auth key, a proxy password) read from a file only its owner may read or
 * write, so it stays out of the process list ({@code /proc/PID/cmdline} is readable by every
 * local user) and out of other users' reach. A file open to its group or others is refused, not
 * read: the secret in it is already exposed, and the user should know before a node relies on
 * it. Who owns the file is not checked: {@code microlink up}, run by root, checks a key file that
 * the daemon, running as its own user, reads (the Debian package's layout). The daemon's CLI and
 * the examples read their key files through here.
 *
 * <pre>{@code
 * String key = OwnerOnlyFile.readLine(Path.of("/etc/microlink/auth-key"), "auth key file");
 * }</pre>
 */
public final class OwnerOnlyFile {
    /** A URL or key longer than this is not what the file should hold. */
    public static final int MAX_BYTES = 4096;
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private OwnerOnlyFile() {}

    /**
     * The file's one line, without the whitespace (a final newline) around it.
     *
     * @param file the file
     * @param what what it is, for the messages ("auth key file")
     * @return the line
     * @throws StateException naming the file (never its content) when it is missing, open to
     *                        others, too long, empty or more than one line
     */
    public static String readLine(Path file, String what) throws StateException {
        try {
            Set<PosixFilePermission> open = EnumSet.copyOf(Files.getPosixFilePermissions(file));
            open.retainAll(GROUP_OR_OTHERS);
            if (!open.isEmpty()) {
                throw new StateException("the " + what + " " + file + " can be read or written by other users (mode "
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(file))
                        + "); it holds a secret: make it owner-only with chmod 600 " + file);
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new StateException("the " + what + " " + file + " is larger than " + MAX_BYTES
                        + " bytes; it should hold one line");
            }
            String line = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (line.isEmpty() || line.chars().anyMatch(c -> c == '\n' || c == '\r')) {
                throw new StateException("the " + what + " " + file + " should hold one line and holds "
                        + (line.isEmpty() ? "none" : "more"));
            }
            return line;
        } catch (StateException e) {
            throw e; // our own refusal (an IOException too), as it is
        } catch (NoSuchFileException e) {
            throw new StateException("no " + what + " at " + file);
        } catch (IOException | UnsupportedOperationException e) {
            throw new StateException("cannot read the " + what + " " + file + ": " + e.getMessage());
        }
    }
}
