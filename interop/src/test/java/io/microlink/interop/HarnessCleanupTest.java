package io.microlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing the harness starts outlives it: not after close, not after the JVM is told to
 * stop (SIGTERM), and not after it is killed outright (SIGKILL: the next run cleans up).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HarnessCleanupTest {

    @Test
    void closeStopsEveryProcessAndDeletesTheDirectory() {
        Path dir;
        List<Long> pids;
        try (TestTailnet tailnet = TestTailnet.create()) {
            dir = tailnet.dir();
            Tailscaled node = tailnet.addNode("leaktest");
            pids = List.of(tailnet.headscale().process().pid(), node.process().pid());
            assertThat(Reaper.harnessProcesses(dir.toString())).hasSizeGreaterThanOrEqualTo(2);
        }
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("pid %d alive", pid).isFalse());
        assertThat(Reaper.harnessProcesses(dir.toString())).isEmpty();
        assertThat(dir).doesNotExist();
    }

    @Test
    void aStoppedJvmTakesItsTailnetWithIt() throws Exception {
        Child child = Child.start();
        child.process.destroy(); // SIGTERM: the shutdown hook cleans up
        assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        child.assertNothingLeft();
    }

    @Test
    void whatAKilledJvmLeftIsRemovedByTheNextRun() throws Exception {
        Child child = Child.start();
        child.process.destroyForcibly(); // SIGKILL: no hook runs
        assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(child.headscalePid).map(ProcessHandle::isAlive)).contains(true);

        Reaper.removeLeftoversOfDeadRuns();

        child.assertNothingLeft();
    }

    private record Child(Process process, Path dir, long headscalePid, String namespace) {
        static Child start() throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    TailnetHolder.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
                String line = Await.result(Duration.ofSeconds(90), "child JVM to start its tailnet", () -> {
                    try {
                        String l = out.readLine();
                        if (l == null) {
                            throw new IllegalStateException("child exited early with " + p.waitFor());
                        }
                        return l.startsWith("READY ") ? l : null;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                String[] f = line.split(" ");
                return new Child(p, Path.of(f[1]), Long.parseLong(f[2]), f[3]);
            } catch (RuntimeException e) {
                p.destroyForcibly();
                throw e;
            }
        }

        void assertNothingLeft() {
            Await.until(Duration.ofSeconds(20), "headscale of the child to exit",
                    () -> ProcessHandle.of(headscalePid).map(h -> !h.isAlive()).orElse(true));
            assertThat(Reaper.harnessProcesses(dir.toString())).isEmpty();
            assertThat(Files.exists(dir)).as("%s deleted", dir).isFalse();
            assertThat(NetworkNamespaces.list()).doesNotContain(namespace);
        }
    }
}
