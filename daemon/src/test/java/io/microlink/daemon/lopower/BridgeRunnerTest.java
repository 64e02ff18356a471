package io.microlink.daemon.lopower;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.TailnetNode;
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
        BridgeRunner runner = new BridgeRunner(dir, null, null, null, "lopower", List.of(), false, 0);
        try (TailnetNode node = runner.node().build()) {
            assertThat(node.state()).isNotNull();
        }
    }
}
