package io.microlink.state;

import io.microlink.StateException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeFilesTest {
    @TempDir
    Path tmp;

    @Test
    void oneNodeAtATimeHoldsTheDirectory() throws Exception {
        Path dir = tmp.resolve("state");
        try (NodeFiles.Lock first = NodeFiles.lock(dir)) {
            assertThatThrownBy(() -> NodeFiles.lock(dir)).isInstanceOf(StateException.class)
                    .hasMessageContaining("in use by a running node");
        }
        NodeFiles.lock(dir).close(); // released with the first
    }

    @Test
    void factoryResetErasesKeysCacheAndTempFilesButNothingElse() throws Exception {
        new StateStore(tmp).save(new NodeIdentity("http://x", PrivateKey.generate(KeyKind.MACHINE),
                PrivateKey.generate(KeyKind.NODE), true));
        Files.writeString(tmp.resolve(PeerCache.FILE_NAME), "{}");
        Files.writeString(tmp.resolve(".peers.json-123.tmp"), "torn");
        Files.writeString(tmp.resolve("settings.conf"), "not the node's");
        NodeFiles.lock(tmp).close();

        NodeFiles.factoryReset(tmp);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("settings.conf");
        }
        assertThat(new StateStore(tmp).load()).isEmpty();
        NodeFiles.factoryReset(tmp.resolve("never-created")); // nothing to erase is no error
    }

    @Test
    void factoryResetIsRefusedWhileANodeRunsThere() throws Exception {
        StateStore store = new StateStore(tmp);
        store.save(new NodeIdentity("http://x", PrivateKey.generate(KeyKind.MACHINE), PrivateKey.generate(KeyKind.NODE),
                true));
        try (NodeFiles.Lock running = NodeFiles.lock(tmp)) {
            assertThatThrownBy(() -> NodeFiles.factoryReset(tmp)).isInstanceOf(StateException.class)
                    .hasMessageContaining("stop that node first");
        }
        assertThat(store.load()).isPresent();
    }
}
