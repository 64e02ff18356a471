package io.microlink.host.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.StateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aMissingFileGivesTheDefaults() throws Exception {
        assertThat(new SettingsStore(tmp).load()).isEqualTo(NodeSettings.defaults());
    }

    @Test
    void savesAndLoadsAnOwnerOnlyFileInAnOwnerOnlyDirectoryWithNoTempLeft() throws Exception {
        SettingsStore store = new SettingsStore(tmp.resolve("state"));
        NodeSettings s = NodeSettings.defaults().withChanges(JSON.readTree("""
                {"controlUrl":"http://127.0.0.1:9","authKey":"tskey-abc","hostname":"box","wantRunning":true,
                 "discoAllowlist":["ts1"],"debug":["verbose"],"webLocalPort":0}"""));
        store.save(NodeSettings.defaults());
        store.save(s);
        assertThat(store.load()).isEqualTo(s);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("state"))))
                .isEqualTo("rwx------");
        try (var files = Files.list(tmp.resolve("state"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("settings.json");
        }
        store.erase();
        assertThat(store.load()).isEqualTo(NodeSettings.defaults());
    }

    @Test
    void aCorruptFileIsAStateExceptionNamingTheFileAndTheWayOutWithoutQuotingIt() throws Exception {
        SettingsStore store = new SettingsStore(tmp);
        Files.writeString(store.file(), "{\"format\":1,\"authKey\":\"tskey-SECRET\" oops");
        assertThatThrownBy(store::load).isInstanceOf(StateException.class)
                .hasMessageContaining(store.file().toString())
                .hasMessageContaining("is not valid JSON (line 1")
                .hasMessageContaining("move it away")
                .hasMessageNotContaining("SECRET");

        Files.writeString(store.file(), "");
        assertThatThrownBy(store::load).isInstanceOf(StateException.class).hasMessageContaining("empty");

        Files.writeString(store.file(), "{\"format\":7}");
        assertThatThrownBy(store::load).isInstanceOf(StateException.class).hasMessageContaining("unknown format 7");

        Files.writeString(store.file(), "{\"format\":2,\"maxActivePeers\":-1}");
        assertThatThrownBy(store::load).isInstanceOf(StateException.class)
                .hasMessageContaining("maxActivePeers: must be 1-65536, got -1");

        Files.writeString(store.file(), "{\"format\":1,\"maxActivePeers\":-1}");
        assertThatThrownBy(store::load).isInstanceOf(StateException.class)
                .hasMessageContaining("maxActivePeers: must be 1-65536, got -1");
    }

    @Test
    void aFileFromBeforeTheProxiesWereOffByDefaultTurnsTheirOldDefaultsOffAndKeepsAChoice() throws Exception {
        SettingsStore store = new SettingsStore(tmp);
        Files.writeString(store.file(), "{\"format\":1,\"hostname\":\"box\",\"socks5Port\":1055,\"httpProxyPort\":1056}");
        NodeSettings old = store.load();
        assertThat(old.socks5Port()).isZero();
        assertThat(old.httpProxyPort()).isZero();
        assertThat(old.hostname()).isEqualTo("box");

        Files.writeString(store.file(), "{\"format\":1,\"socks5Port\":2080,\"httpProxyPort\":1056}");
        assertThat(store.load().socks5Port()).as("a port the owner chose").isEqualTo(2080);

        NodeSettings on = NodeSettings.defaults().withChanges(JSON.readTree("{\"socks5Port\":1055}"));
        store.save(on);
        assertThat(Files.readString(store.file())).contains("\"format\" : 2");
        assertThat(store.load().socks5Port()).as("turned on again since, in the current format").isEqualTo(1055);
    }
}
