package io.microlink.host.settings;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.StateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

class SettingsFuzzTest {
    private static final Path DIR = temporaryDirectory();

    /**
     * A settings file of any content loads or fails with StateException; what loads survives
     * the settings file's own JSON form unchanged (load(save(s)) == s).
     */
    @FuzzTest
    void settingsFile(byte[] content) throws IOException {
        SettingsStore store = new SettingsStore(DIR);
        Files.write(store.file(), content);
        NodeSettings loaded;
        try {
            loaded = store.load();
        } catch (StateException expected) {
            return;
        }
        assertThat(NodeSettings.defaults().withChanges(loaded.toJson(true))).isEqualTo(loaded);
    }

    private static Path temporaryDirectory() {
        try {
            Path dir = Files.createTempDirectory("microlink-settings-fuzz");
            dir.toFile().deleteOnExit(); // files are deleted in reverse order of registration
            dir.resolve(new SettingsStore(dir).file().getFileName()).toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
