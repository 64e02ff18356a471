package io.microlink.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.StateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

class StateFuzzTest {
    private static final Path DIR = temporaryDirectory();

    /** A state file of any content loads or fails with StateException. */
    @FuzzTest
    void stateFile(byte[] content) throws IOException {
        StateStore store = new StateStore(DIR);
        Files.write(store.file(), content);
        try {
            store.load();
        } catch (StateException expected) {
            assertThat(expected.getMessage()).contains(store.file().toString());
        }
    }

    /** A peer cache file of any content decodes or fails with InvalidException; what decodes encodes and decodes again. */
    @FuzzTest
    void peerCache(byte[] content) {
        try {
            PeerCacheFile.Contents c = PeerCacheFile.decode(content);
            PeerCacheFile.Contents again = PeerCacheFile.decode(PeerCacheFile.encode(c));
            assertThat(again.controlUrl()).isEqualTo(c.controlUrl());
            assertThat(again.udpPort()).isEqualTo(c.udpPort());
            assertThat(again.peers()).hasSameSizeAs(c.peers());
        } catch (PeerCacheFile.InvalidException expected) {
            // the one declared failure
        }
    }

    private static Path temporaryDirectory() {
        try {
            Path dir = Files.createTempDirectory("microlink-state-fuzz");
            dir.toFile().deleteOnExit(); // files are deleted in reverse order of registration
            dir.resolve(StateStore.FILE_NAME).toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
