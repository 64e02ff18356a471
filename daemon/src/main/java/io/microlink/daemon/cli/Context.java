package io.microlink.daemon.cli;

import io.microlink.daemon.api.ApiClient;
import java.nio.file.Path;

/** Where a command runs: its streams, the state directory and the daemon's socket it was pointed at. */
public record Context(Io io, Path stateDir, Path socket) {
    public ApiClient api() {
        return new ApiClient(socket);
    }
}
