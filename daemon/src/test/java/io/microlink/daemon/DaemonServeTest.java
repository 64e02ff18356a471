package io.microlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.daemon.api.ApiException;
import io.microlink.host.settings.NodeSettings;
import io.microlink.host.settings.SettingsStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Served ports of a daemon whose node is down: saved owner-only, checked, listed with why they wait. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DaemonServeTest {
    @TempDir
    Path dir;

    @Test
    void servedPortsAreSavedAndComeBackWithTheSettings() throws Exception {
        try (Daemon d = new Daemon(dir, NodeSettings.defaults(), "a1b2c3", null, false, false, null, UplinkOptions.NONE)) {
            d.start();
            Serves.Served s = d.serve(2222, 22);
            assertThat(s).isEqualTo(new Serves.Served(2222, 22, false, 0, "not forwarded while microlink is down"));
            d.serve(8443, 443);
            d.serve(2222, 2200);   // a new local port replaces the old one
            assertThat(d.served()).extracting(Serves.Served::tailnetPort, Serves.Served::localPort)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(2222, 2200),
                            org.assertj.core.groups.Tuple.tuple(8443, 443));
        }
        Path file = new SettingsStore(dir).file();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        NodeSettings reloaded = new SettingsStore(dir).load();
        assertThat(reloaded.serve()).isEqualTo(Map.of(2222, 2200, 8443, 443));

        try (Daemon again = new Daemon(dir, reloaded, "a1b2c3", null, false, false, null, UplinkOptions.NONE)) {
            again.start();
            assertThat(again.served()).hasSize(2);
            again.unserve(2222);
            assertThat(new SettingsStore(dir).load().serve()).isEqualTo(Map.of(8443, 443));
            assertThatThrownBy(() -> again.unserve(2222)).isInstanceOf(ApiException.class)
                    .hasMessageContaining("tailnet port 2222 is not served");
        }
    }

    @Test
    void theServeVerbRefusesTheLocalWebPortAndTheProxyPortsNamingTheSetting() throws Exception {
        NodeSettings proxiesOn = NodeSettings.defaults().withChanges(new ObjectMapper().readTree("{\"socks5Port\":1055,\"httpProxyPort\":1056}"));
        try (Daemon d = new Daemon(dir, proxiesOn, "a1b2c3", null, false, false, null, UplinkOptions.NONE)) {
            d.start();
            Map<Integer, String> settingOf = Map.of(8088, "(webLocalPort)", 1055, "(socks5Port)", 1056,
                    "(httpProxyPort)");
            for (Map.Entry<Integer, String> e : settingOf.entrySet()) {
                assertThatThrownBy(() -> d.serve(8080, e.getKey())).as("local port " + e.getKey())
                        .isInstanceOfSatisfying(ApiException.class,
                                ex -> assertThat(ex.code()).isEqualTo(ApiException.BAD_REQUEST))
                        .hasMessageContaining("local port " + e.getKey() + " is the")
                        .hasMessageContaining(e.getValue());
            }
            assertThat(d.served()).isEmpty();
            assertThat(new SettingsStore(dir).load().serve()).isEmpty();
        }
    }

    @Test
    void aPortTheSettingsRefuseIsABadRequestAndNothingIsSaved() throws Exception {
        try (Daemon d = new Daemon(dir, NodeSettings.defaults(), "a1b2c3", null, false, false, null, UplinkOptions.NONE)) {
            d.start();
            assertThatThrownBy(() -> d.serve(80, 8080)).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.code()).isEqualTo(ApiException.BAD_REQUEST))
                    .hasMessageContaining("is the web page's (webPort)");
            assertThat(d.served()).isEmpty();
            assertThat(new SettingsStore(dir).load().serve()).isEmpty();
            assertThat(d.proxies()).as("off by default").containsExactly(new LocalProxies.Proxy("socks5", 0, null, null, false),
                    new LocalProxies.Proxy("http", 0, null, null, false));
        }
    }
}
