package io.microlink.daemon.verbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.daemon.api.ApiRequest;
import io.microlink.host.settings.NodeSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an {@code up} request changes in the settings, and what it refuses before asking one, without a daemon. */
class UpPatchTest {
    private static NodeSettings after(NodeSettings before, String params) throws Exception {
        return before.withChanges(Up.settingsPatch(new ApiRequest("up", new ObjectMapper().readTree(params))));
    }

    @Test
    void anEmptyExitNodeStopsUsingOneAndAnAbsentOneKeepsIt() throws Exception {
        NodeSettings using = after(NodeSettings.defaults(), "{\"exitNode\":\"gw\"}");
        assertThat(using.exitNode()).isEqualTo("gw");
        assertThat(after(using, "{\"hostname\":\"box\"}").exitNode()).isEqualTo("gw");
        // `up --exit-node ""`, as the help and docs say: none (the blank was read as "not given").
        assertThat(after(using, "{\"exitNode\":\"\"}").exitNode()).isNull();
    }

    @Test
    void usingAnExitNodeWhileAdvertisingOneIsRefusedByFlagBeforeTheDaemonIsAsked(@TempDir Path state) {
        CliRun cli = new CliRun(state);
        assertThat(cli.run("up", "--exit-node", "gw", "--advertise-exit-node")).isEqualTo(2);
        assertThat(cli.err()).contains("--advertise-exit-node: Cannot advertise an exit node and use an exit node"
                + " at the same time.");
    }
}
