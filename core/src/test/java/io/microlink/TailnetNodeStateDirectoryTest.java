package io.microlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.StateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One running node per state directory, and the factory reset, with a control server that is not there. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TailnetNodeStateDirectoryTest {
    @TempDir
    Path dir;

    private TailnetNode node(String name) {
        // Nothing listens on port 1: the node keeps retrying control, which is all these tests need.
        return TailnetNode.builder().controlUrl("http://127.0.0.1:1").hostname(name).stateDirectory(dir).build();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            Thread.sleep(20); // the class timeout bounds this
        }
    }

    @Test
    void aSecondNodeOnTheSameDirectoryStopsWithAClearMessageAndResetWaitsForTheFirst() throws Exception {
        try (TailnetNode first = node("first")) {
            first.start();
            await(() -> first.state() == NodeState.CONNECTING);
            try (TailnetNode second = node("second")) {
                second.start();
                await(() -> second.state() == NodeState.STOPPED);
                assertThat(second.stateDetail()).contains(dir.toString(), "in use by a running node");
            }
            assertThatThrownBy(() -> TailnetNode.factoryReset(dir)).isInstanceOf(StateException.class)
                    .hasMessageContaining("stop that node first");
            assertThat(dir.resolve("state.json")).exists();
        }
        TailnetNode.factoryReset(dir);
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }
}
