package io.microlink.interop;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the pinned reference programs are. {@code scripts/setup} builds them into a cache
 * and {@code scripts/lib/common.sh} exports their paths in these environment variables.
 */
public final class ReferencePrograms {
    private ReferencePrograms() {}

    public static Path headscale() {
        return locate("MICROLINK_HEADSCALE");
    }

    public static Path tailscaled() {
        return locate("MICROLINK_TAILSCALED");
    }

    public static Path derper() {
        return locate("MICROLINK_DERPER");
    }

    public static Path tailscale() {
        return locate("MICROLINK_TAILSCALE");
    }

    private static Path locate(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(variable + " is not set: run the tests with scripts/test (it builds the"
                    + " reference programs and sets it), or run scripts/setup and export the path it built");
        }
        Path p = Path.of(value);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(variable + "=" + value + " is not an executable file: run scripts/setup");
        }
        return p;
    }
}
