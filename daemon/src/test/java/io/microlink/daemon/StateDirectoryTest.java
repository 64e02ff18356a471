package io.microlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.daemon.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void factoryResetRemovesTheDaemonsFilesAndLeftoverTempsButNothingElse() throws Exception {
        for (String name : new String[] {"state.json", "settings.json", "daemon.lock", "microlink.sock",
                "peers.json", "node.lock", "web-token", "web-open.html", ".settings.json-123.tmp", ".state.json-9.tmp", ".peers.json-5.tmp",
                "notes.txt", ".other-1.tmp"}) {
            Files.writeString(dir.resolve(name), "x");
        }
        assertThat(new StateDirectory(dir).factoryReset()).hasSize(11);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("notes.txt", ".other-1.tmp");
        }
    }

    @Test
    void factoryResetRefusesWhileADaemonHoldsTheDirectory() throws Exception {
        Files.writeString(dir.resolve("state.json"), "{}");
        try (DaemonLock lock = DaemonLock.acquire(dir)) {
            assertThatThrownBy(() -> new StateDirectory(dir).factoryReset()).isInstanceOf(CliException.class)
                    .hasMessageContaining("(pid " + ProcessHandle.current().pid() + ") is running on " + dir);
        }
        assertThat(dir.resolve("state.json")).exists();
    }
}
