package io.microlink.lopower.enroll;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.lopower.LopowerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

class RegistryFileFuzzTest {
    private static final Path DIR = directory();

    private static Path directory() {
        try {
            return Files.createTempDirectory("microlink-lopower-registry-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A {@code lopower.json} with any content (a hand edit gone wrong, a torn disk) is read as a
     * registry or refused with a {@link LopowerException} naming the file; nothing else escapes.
     */
    @FuzzTest
    void registryFile(byte[] content) throws IOException {
        RegistryFile file = new RegistryFile(DIR);
        Files.write(file.path(), content);
        try {
            file.read();
        } catch (LopowerException refused) {
            assertThat(refused.getMessage()).startsWith(file.path().toString());
        }
    }
}
