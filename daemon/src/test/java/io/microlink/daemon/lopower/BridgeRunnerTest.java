package io.microlink.daemon.lopower;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.TailnetNode;
import io.microlink.lopower.BridgeNetwork;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge's node as {@code lopower start}'s flags describe it, built but never started. */
class BridgeRunnerTest {
    @TempDir
    Path dir;

    /** Without --login-server the node logs in to Tailscale's control server, as the help says, instead of failing to build. */
    @Test
    void withoutALoginServerTheNodeIsBuiltForTailscalesControlServer() {
        BridgeRunner runner = new BridgeRunner(dir, null, null, null, "lopower", List.of(), false, 0, false);
        try (TailnetNode node = runner.node(null).build()) {
            assertThat(node.state()).isNotNull();
            assertThat(node.advertisedRoutes()).isEmpty();
        }
    }

    /** --advertise-device-routes: the node advertises the device side's prefixes, the ones the directory holds. */
    @Test
    void withDeviceRoutesTheNodeAdvertisesTheDirectorysPrefixes() throws Exception {
        BridgeNetwork network = new BridgeNetwork("fd7a:115c:a1e0:9911::/64", "10.91.0.0/24", 51820);
        BridgeRunner runner = new BridgeRunner(dir, network, null, null, "lopower", List.of(), false, 0, true);
        try (TailnetNode node = runner.node(runner.routes()).build()) {
            assertThat(node.advertisedRoutes()).containsExactly("10.91.0.0/24", "fd7a:115c:a1e0:9911::/64");
        }
    }
}
