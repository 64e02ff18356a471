package io.microlink.state;

import io.microlink.StateException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path tmp;

    private static NodeIdentity identity() {
        return new NodeIdentity("http://127.0.0.1:8080", PrivateKey.generate(KeyKind.MACHINE),
                PrivateKey.generate(KeyKind.NODE), true);
    }

    @Test
    void savesAndLoadsAnOwnerOnlyFileInAnOwnerOnlyDirectory() throws Exception {
        StateStore store = new StateStore(tmp.resolve("state"));
        assertThat(store.load()).isEmpty();
        NodeIdentity id = identity();
        store.save(id);
        store.save(id.withRegistered(false));

        NodeIdentity back = store.load().orElseThrow();
        assertThat(back.machineKey()).isEqualTo(id.machineKey());
        assertThat(back.nodeKey()).isEqualTo(id.nodeKey());
        assertThat(back.registered()).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("state"))))
                .isEqualTo("rwx------");
        try (var files = Files.list(tmp.resolve("state"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json"); // no temp left
        }
        assertThat(id.toString()).doesNotContain(id.nodeKey().toPersistentText().substring(8));
    }

    @Test
    void aCorruptOrTamperedFileIsReportedWithoutEchoingKeys() throws Exception {
        StateStore store = new StateStore(tmp);
        Files.writeString(store.file(), "{not json");
        assertThatThrownBy(store::load).isInstanceOf(StateException.class).hasMessageContaining("corrupt")
                .hasMessageContaining("move it away");
        // Torn mid-write, a key left unquoted: the parser's own message would quote it.
        Files.writeString(store.file(), "{\"format\":1,\"machineKey\":privkey" + "cd".repeat(32));
        assertThatThrownBy(store::load).isInstanceOf(StateException.class).hasMessageContaining("line 1")
                .hasMessageNotContaining("cdcd");

        String secret = "privkey:" + "ab".repeat(31) + "zz";
        Files.writeString(store.file(), "{\"format\":1,\"controlUrl\":\"x\",\"machineKey\":\"" + secret
                + "\",\"nodeKey\":\"" + secret + "\"}");
        assertThatThrownBy(store::load).isInstanceOf(StateException.class)
                .hasMessageContaining("malformed key").hasMessageNotContaining("abab");

        Files.writeString(store.file(), "{\"format\":99}");
        assertThatThrownBy(store::load).isInstanceOf(StateException.class).hasMessageContaining("unknown format");
    }

    @Test
    void eraseForgetsTheIdentity() throws Exception {
        StateStore store = new StateStore(tmp);
        store.save(identity());
        store.erase();
        assertThat(store.load()).isEmpty();
    }
}
