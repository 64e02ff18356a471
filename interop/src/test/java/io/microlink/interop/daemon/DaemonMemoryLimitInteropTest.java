package io.microlink.interop.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.IdleNodes;
import io.microlink.interop.MemoryCgroup;
import io.microlink.interop.MicrolinkProcess;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.TestTailnet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The daemon as a small device runs it: inside a cgroup that allows 96 MiB of memory in all
 * (heap, metaspace, code cache, thread stacks, direct buffers), with the launcher's JVM settings
 * and the small-device options of docs/daemon.md after them, a netmap of 1,000 peers and a TCP
 * transfer through the tailnet. It must neither be OOM-killed nor lose a byte. With the
 * launcher's settings alone (C2, heap up to 96 MiB) the daemon is OOM-killed in 64 MiB before
 * it has registered. Skipped where no cgroup v1 memory controller is writable (not root, cgroup v2).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DaemonMemoryLimitInteropTest {
    private static final long LIMIT = 96L << 20;
    private static final int IDLE_PEERS = 1000;
    private static final int TRANSFER_BYTES = 16 << 20;
    /** The daemon's JVM settings in scripts/microlink (the launcher), C2 on as there. */
    private static final List<String> LAUNCHER_JVM = List.of("-XX:TieredStopAtLevel=4", "-Xms4m", "-Xmx96m");
    /** MICROLINK_JAVA_OPTS for a small device (docs/daemon.md), after the launcher's, so they win. */
    private static final List<String> SMALL_DEVICE_JVM = List.of("-XX:TieredStopAtLevel=1", "-Xmx24m",
            "-XX:ReservedCodeCacheSize=12m");

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    @Test
    void withAThousandPeersAndATransferRunningTheDaemonStaysInside96MiB() throws Exception {
        MemoryCgroup.unavailableBecause().ifPresent(why -> assumeTrue(false, "no memory limit to test in: " + why));
        tailnet.addNode("real");
        String key = tailnet.reusableKey(TestTailnet.DEFAULT_USER).key();
        // Registering 1,000 nodes takes minutes on a loaded machine; copies in the database take seconds.
        IdleNodes.register(tailnet.headscale(), key, "idle", 1);
        IdleNodes.cloneInDatabase(tailnet.headscale(), IDLE_PEERS - 1);
        Path keyFile = Files.createFile(tailnet.dir().resolve("small-authkey"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, key);

        try (MemoryCgroup cgroup = MemoryCgroup.create("microlink-96m", LIMIT);
             MicrolinkProcess small = new MicrolinkProcess(tailnet.dir().resolve("small"))
                     .launchedBy(cgroup::wrap,
                             Stream.concat(LAUNCHER_JVM.stream(), SMALL_DEVICE_JVM.stream()).toList())) {
            small.start();
            Exec.Result up = small.cli("up", "--login-server", tailnet.headscale().url(), "--auth-key-file",
                    keyFile.toString(), "--hostname", "small", "--timeout", "90s");
            assertThat(up.exitCode()).as("up: %s; OOM kills %d; daemon log:%n%s", up.stderr(), cgroup.oomKills(),
                    small.log()).isZero();
            Await.until(Duration.ofSeconds(60), "the daemon's netmap to list every peer",
                    () -> small.statusJson().path("peers").size() >= IDLE_PEERS + 1);

            byte[] data = new byte[TRANSFER_BYTES];
            Random random = new Random(17);
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('a' + random.nextInt(26)); // text: the CLI's output is read as a string
            }
            try (TcpEchoServer echo = new TcpEchoServer()) {
                Exec.Result nc = small.cliWithInput(data, "nc", "real", Integer.toString(echo.port()));
                assertThat(nc.exitCode()).as("nc through the daemon; daemon log:%n%s", small.log()).isZero();
                assertThat(nc.stdout()).as("the bytes echoed back").isEqualTo(new String(data, StandardCharsets.US_ASCII));
            }
            JsonNode status = small.statusJson();
            System.out.printf("inside %d MiB with %d peers after %d MiB each way: most charged %d MiB; now %s%n",
                    LIMIT >> 20, status.path("peers").size(), TRANSFER_BYTES >> 20, cgroup.maxUsageBytes() >> 20,
                    cgroup.usage());
            assertThat(cgroup.oomKills()).as("OOM kills in the cgroup").isZero();
            assertThat(status.path("state").asText()).isEqualTo("CONNECTED");
        }
    }
}
