package io.microlink.daemon.verbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.daemon.api.ApiRequest;
import io.microlink.host.settings.NodeSettings;
import org.junit.jupiter.api.Test;

/** What an {@code up} request changes in the settings, without a daemon. */
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
}
