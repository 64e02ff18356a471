package io.microlink.wireguard.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The check wg-quick makes before it uses a configuration: a file that holds a private key
 * should be readable by its owner alone. Only a warning, as there: the file may sit on a
 * file system without POSIX permissions, and refusing would not un-leak the key.
 */
final class ConfigPermissions {
    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private ConfigPermissions() {}

    /** The warning to print for {@code file}, which holds a private key, or empty when only its owner has access. */
    static Optional<String> warning(Path file) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty(); // no POSIX permissions to judge
        }
        Set<PosixFilePermission> extra = EnumSet.copyOf(NOT_OWNER);
        extra.retainAll(perms);
        if (extra.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("warning: " + file + " holds a private key and is " + (touchesOthers(extra)
                ? "world" : "group") + " accessible; make it readable by its owner only (chmod 600 " + file + ")");
    }

    private static boolean touchesOthers(Set<PosixFilePermission> extra) {
        return extra.contains(PosixFilePermission.OTHERS_READ) || extra.contains(PosixFilePermission.OTHERS_WRITE)
                || extra.contains(PosixFilePermission.OTHERS_EXECUTE);
    }
}
