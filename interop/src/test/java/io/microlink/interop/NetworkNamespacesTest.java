package io.microlink.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NetworkNamespacesTest {

    @Test
    void aNamespacePairPingsAcrossItsVethOverIpv4AndIpv6() {
        String a, b;
        try (NetworkNamespaces net = new NetworkNamespaces()) {
            a = net.create("a");
            b = net.create("b");
            net.link(a, "10.231.0.1/24", b, "10.231.0.2/24");
            net.link(a, "fd00:231::1/64", b, "fd00:231::2/64");

            assertThat(net.exec(a, "ping", "-c", "1", "-W", "5", "10.231.0.2").requireSuccess().stdout())
                    .contains("1 received");
            assertThat(net.exec(b, "ping", "-6", "-c", "1", "-W", "5", "fd00:231::1").requireSuccess().stdout())
                    .contains("1 received");
            // Separate hosts: the root namespace cannot reach the veth addresses.
            assertThat(Exec.run(Duration.ofSeconds(10),
                    List.of("ping", "-c", "1", "-W", "1", "10.231.0.2")).succeeded()).isFalse();
            assertThat(NetworkNamespaces.list()).contains(a, b);
        }
        assertThat(NetworkNamespaces.list()).doesNotContain(a, b);
    }

    @Test
    void processesStartedInANamespaceRunThereAndDieWithIt() throws Exception {
        String ns;
        long pid;
        Path log = Files.createTempFile(Reaper.ownPrefix(), ".log");
        try (NetworkNamespaces net = new NetworkNamespaces()) {
            ns = net.create("sleeper");
            // ip netns exec execs in place, so this pid is sleep's own.
            pid = net.start(ns, "sleeper", List.of("sleep", "600"), Map.of(), log).pid();
            Await.until(Duration.ofSeconds(5), "sleep to run inside " + ns,
                    () -> Exec.run(Duration.ofSeconds(5), List.of("ip", "netns", "identify", Long.toString(pid)))
                            .stdout().strip().equals(ns));
        } finally {
            Files.delete(log);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(NetworkNamespaces.list()).doesNotContain(ns);
    }

    @Test
    void badLabelsAreRefusedWithAClearMessage() {
        try (NetworkNamespaces net = new NetworkNamespaces()) {
            assertThatThrownBy(() -> net.create("Bad Label!"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1-12 lowercase letters or digits");
        }
    }
}
