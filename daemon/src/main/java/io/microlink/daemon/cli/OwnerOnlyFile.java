package io.microlink.daemon.cli;

import io.microlink.StateException;
import java.nio.file.Path;

/**
 * The CLI's face of {@link io.microlink.host.secrets.OwnerOnlyFile}: the same checks, its
 * refusal as a {@link CliException} the verbs print as they are.
 */
public final class OwnerOnlyFile {
    private OwnerOnlyFile() {}

    /** {@link io.microlink.host.secrets.OwnerOnlyFile#readLine}, failing with a {@link CliException}. */
    public static String readLine(Path file, String what) throws CliException {
        try {
            return io.microlink.host.secrets.OwnerOnlyFile.readLine(file, what);
        } catch (StateException e) {
            throw new CliException(e.getMessage());
        }
    }
}
