package io.microlink.interop.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.interop.MicrolinkProcess;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.Headscale;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code microlink daemon} and the CLI as a person runs them, against headscale and a real
 * tailscaled: log in with an auth key, see the real peer in {@code status}, reach it with
 * {@code ping} and {@code nc}, survive a SIGKILL without logging in again, and fail clearly.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static Tailscaled real;
    private static String realIp;
    private static Headscale.AuthKey singleUseKey;
    private static MicrolinkProcess microlink;
    private static final List<MicrolinkProcess> others = new ArrayList<>();

    @BeforeAll
    static void startTheDaemon() {
        real = tailnet.addNode("real");
        realIp = real.ip("-4").getFirst();
        // Single use: a daemon that registered again after a restart would be refused.
        singleUseKey = tailnet.headscale().createAuthKey(tailnet.user(TestTailnet.DEFAULT_USER), false, false,
                Duration.ofHours(1));
        microlink = new MicrolinkProcess(tailnet.dir().resolve("ml")).start();
    }

    @AfterAll
    static void stopTheDaemons() {
        others.forEach(MicrolinkProcess::close);
        if (microlink != null) {
            microlink.close();
        }
    }

    @Test
    @Order(1)
    void upWithAnAuthKeyThenStatusJsonListsTheRealPeer() throws Exception {
        Path keyFile = Files.createFile(tailnet.dir().resolve("ml-authkey"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, singleUseKey.key());
        Exec.Result up = microlink.cli("up", "--login-server", tailnet.headscale().url(), "--auth-key-file",
                keyFile.toString(), "--hostname", "java-d", "--timeout", "90s").requireSuccess();
        assertThat(up.stdout()).contains("connected as java-d");

        JsonNode status = Await.result(WAIT, "status to list the real peer online", () -> {
            JsonNode s = status();
            return peer(s, "real").path("online").asBoolean() ? s : null;
        });
        assertThat(status.path("state").asText()).isEqualTo("CONNECTED");
        assertThat(status.path("self").path("name").asText()).isEqualTo("java-d");
        assertThat(peer(status, "real").path("addresses").toString()).contains(realIp);
        assertThat(peer(status, "real").path("fqdn").asText()).isEqualTo("real." + tailnet.headscale().baseDomain());
        Await.until(WAIT, "real to see java-d online", () -> real.status().seesOnlineWithHomeDerp("java-d"));

        // The key is kept owner-only and never shown.
        Path settings = microlink.stateDir().resolve("settings.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(microlink.stateDir().resolve(
                "microlink.sock")))).isEqualTo("rw-------");
        assertThat(microlink.log()).doesNotContain(singleUseKey.key());
        assertThat(status.toString()).doesNotContain(singleUseKey.key());
    }

    @Test
    @Order(2)
    void pingReachesTheRealNodeAndSaysWhichPath() {
        Exec.Result derp = microlink.cli("ping", "--derp", "-c", "2", "real").requireSuccess();
        assertThat(derp.stdout()).contains("pong from real (" + realIp + ") via DERP("
                + tailnet.headscale().derpRegionCode() + ") in ");

        Exec.Result any = microlink.cli("ping", "-c", "20", "real").requireSuccess();
        // Loopback namespace: the direct path is 127.0.0.1:<tailscaled's port>, and --until-direct stops there.
        assertThat(any.stdout().strip().lines().toList().getLast())
                .matches("pong from real \\(" + realIp.replace(".", "\\.") + "\\) via 127\\.0\\.0\\.1:\\d+ in .*");
    }

    @Test
    @Order(3)
    void ncCarriesBytesBothWaysToAPortTheRealNodeForwardsAndStatusShowsTheTraffic() throws Exception {
        try (TcpEchoServer echo = new TcpEchoServer()) {
            String text = randomText(512 * 1024, 7);
            Exec.Result r = microlink.cliWithInput(text.getBytes(), "nc", "real", Integer.toString(echo.port()))
                    .requireSuccess();
            assertThat(r.stdout().length()).isEqualTo(text.length());
            assertThat(r.stdout()).isEqualTo(text);
            assertThat(echo.connections()).isEqualTo(1);
        }
        // DISCO pings need no WireGuard session; this traffic did: the table shows its handshake and bytes.
        String table = microlink.cli("status").requireSuccess().stdout();
        assertThat(table).containsPattern("(?m)^" + realIp.replace(".", "\\.")
                + "\\s+real\\s+yes\\s+127\\.0\\.0\\.1:\\d+\\s+\\d+m?s ago\\s+\\d+\\.\\d [KM]iB\\s+\\d+\\.\\d [KM]iB");
    }

    @Test
    @Order(4)
    void ipPrintsTheAddressesHeadscaleAssigned() {
        List<String> own = microlink.cli("ip").requireSuccess().stdout().lines().toList();
        Headscale.Node registered = tailnet.headscale().node("java-d").orElseThrow();
        assertThat(own).containsExactlyInAnyOrderElementsOf(registered.ipAddresses());
        assertThat(microlink.cli("ip", "-4").requireSuccess().stdout().strip()).startsWith("100.");
        assertThat(microlink.cli("ip", "-6", "real").requireSuccess().stdout().strip())
                .isEqualTo(real.ip("-6").getFirst());
        assertThat(microlink.cli("ip", "-4", "real").requireSuccess().stdout().strip()).isEqualTo(realIp);
    }

    @Test
    @Order(5)
    void netcheckReportsUdpTheEndpointAndTheHomeRelay() throws Exception {
        String report = microlink.cli("netcheck").requireSuccess().stdout();
        assertThat(report).contains("UDP: true").containsPattern("IPv4: yes, 127\\.0\\.0\\.1:\\d+")
                .contains("Nearest DERP: ").containsPattern("- " + tailnet.headscale().derpRegionCode() + ": \\d");
        JsonNode json = JSON.readTree(microlink.cli("netcheck", "--json").requireSuccess().stdout());
        assertThat(json.path("home").path("id").asInt()).isEqualTo(tailnet.headscale().derpRegionId());
        assertThat(json.path("regions").get(0).path("latencyMs").asDouble()).isPositive();
    }

    @Test
    @Order(6)
    void mistakesGiveOneLineOnStderrAndANonZeroExit() {
        Exec.Result unknownPeer = microlink.cli("ping", "-c", "1", "nosuchpeer");
        assertThat(unknownPeer.exitCode()).isEqualTo(1);
        assertThat(unknownPeer.stderr().strip()).isEqualTo("microlink ping: no peer nosuchpeer in the tailnet");

        Exec.Result badPort = microlink.cli("nc", "real", "0");
        assertThat(badPort.exitCode()).isEqualTo(2);
        assertThat(badPort.stderr()).contains("PORT must be 1-65535");

        Exec.Result refused = microlink.cli("nc", "real", "9");   // nothing listens on the real node's port 9
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).contains("refused");

        Exec.Result badFlag = microlink.cli("status", "--colour");
        assertThat(badFlag.exitCode()).isEqualTo(2);
        assertThat(badFlag.stderr()).contains("unknown flag --colour");

        Exec.Result badUrl = microlink.cli("up", "--login-server", "ftp://example");
        assertThat(badUrl.exitCode()).isEqualTo(2);
        assertThat(badUrl.stderr()).contains("--login-server: must start with https:// or http://");

        Exec.Result second = new MicrolinkProcess(microlink.stateDir()).runExpectingExit(WAIT);
        assertThat(second.exitCode()).isEqualTo(78);
        assertThat(second.stderr()).contains("another microlink daemon (pid " + microlink.pid() + ") is already running");

        MicrolinkProcess none = new MicrolinkProcess(tailnet.dir().resolve("nobody"));
        Exec.Result notRunning = none.cli("status");
        assertThat(notRunning.exitCode()).isEqualTo(1);
        assertThat(notRunning.stderr()).contains("the microlink daemon is not running");

        for (Exec.Result r : List.of(unknownPeer, badPort, refused, badFlag, badUrl, second, notRunning)) {
            assertThat(r.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        // Still connected after all that.
        assertThat(status().path("state").asText()).isEqualTo("CONNECTED");
    }

    @Test
    @Order(7)
    void downKeepsTheIdentityAndUpReconnectsWithoutAKey() {
        JsonNode before = status();
        microlink.cli("down").requireSuccess();
        assertThat(status().path("state").asText()).isEqualTo("DOWN");
        assertThat(microlink.cli("ping", "-c", "1", "real").stderr()).contains("microlink is down");

        microlink.cli("up", "--timeout", "90s").requireSuccess();
        JsonNode after = status();
        assertThat(after.path("self").path("nodeKey")).isEqualTo(before.path("self").path("nodeKey"));
        assertThat(after.path("self").path("addresses")).isEqualTo(before.path("self").path("addresses"));
        microlink.cli("ping", "-c", "5", "real").requireSuccess();
    }

    @Test
    @Order(8)
    void afterSigkillMidTransferTheRestartedDaemonIsTheSameNodeWithoutLoggingIn() throws Exception {
        JsonNode before = status();
        long headscaleId = tailnet.headscale().node("java-d").orElseThrow().id();
        // The far end takes the connection and reads nothing, so the upload stalls once the buffers
        // on the way are full and the daemon dies in the middle of it. (An echo server let 32 MiB
        // finish before the kill in one CI run; nc then saw a clean end and rightly exited 0.)
        try (ServerSocket stalling = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicReference<Socket> held = new AtomicReference<>();
            Thread.startVirtualThread(() -> {
                try {
                    held.set(stalling.accept());
                } catch (IOException closed) {
                    // the test is over
                }
            });
            byte[] big = new byte[32 * 1024 * 1024];
            Arrays.fill(big, (byte) 'x');
            CompletableFuture<Exec.Result> transfer = CompletableFuture.supplyAsync(
                    () -> microlink.cliWithInput(big, "nc", "real", Integer.toString(stalling.getLocalPort())),
                    Thread::startVirtualThread);
            try {
                Await.until(WAIT, "the transfer to start", () -> held.get() != null);
                microlink.kill9();
                assertThat(transfer.get(WAIT.toSeconds(), TimeUnit.SECONDS).exitCode()).as("nc whose daemon died")
                        .isNotZero();
            } finally {
                Socket s = held.get();
                if (s != null) {
                    s.close();
                }
            }
        }
        // A stale socket and lock file are left behind; the new daemon must not mind.
        assertThat(microlink.stateDir().resolve("microlink.sock")).exists();

        microlink.start();   // no `up`, no key: the settings and keys on disk are enough
        JsonNode after = Await.result(WAIT, "the restarted daemon to connect", () -> {
            JsonNode s = status();
            return s.path("state").asText().equals("CONNECTED") ? s : null;
        });
        assertThat(after.path("self").path("nodeKey")).isEqualTo(before.path("self").path("nodeKey"));
        assertThat(after.path("self").path("addresses")).isEqualTo(before.path("self").path("addresses"));
        assertThat(tailnet.headscale().nodes().stream().filter(n -> n.givenName().startsWith("java-d")))
                .singleElement().satisfies(n -> assertThat(n.id()).isEqualTo(headscaleId));
        assertThat(microlink.log()).doesNotContain("to log this node in");
        microlink.cli("ping", "-c", "10", "real").requireSuccess();
        try (TcpEchoServer echo = new TcpEchoServer()) {
            assertThat(microlink.cliWithInput("again\n".getBytes(), "nc", "real", Integer.toString(echo.port()))
                    .requireSuccess().stdout()).isEqualTo("again\n");
        }
    }

    @Test
    @Order(9)
    void brokenStateFilesStopTheDaemonWithTheWayOutAndResetIsIt() throws Exception {
        Path dir = Files.createDirectory(tailnet.dir().resolve("broken"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        MicrolinkProcess broken = new MicrolinkProcess(dir);
        others.add(broken);

        Files.writeString(dir.resolve("settings.json"), "{\"format\":1,\"authKey\":\"tskey-x\" garbage");
        Exec.Result r = broken.runExpectingExit(WAIT);
        assertThat(r.exitCode()).isEqualTo(78);
        assertThat(r.stderr()).contains("settings file " + dir.resolve("settings.json") + " is not valid JSON")
                .contains("microlink reset --yes --state-dir " + dir).doesNotContain("Exception");

        Files.delete(dir.resolve("settings.json"));
        Files.writeString(dir.resolve("state.json"), "{\"format\":1,\"machineKey\":\"privkey:zz\"}");
        r = broken.runExpectingExit(WAIT);
        assertThat(r.exitCode()).isEqualTo(78);
        assertThat(r.stderr()).contains(dir.resolve("state.json").toString()).contains("microlink reset --yes");

        Exec.Result reset = broken.cli("reset", "--yes").requireSuccess();
        assertThat(reset.stdout()).contains("removed " + dir.resolve("state.json"));
        broken.start();
        assertThat(JSON.readTree(broken.cli("status", "--json").requireSuccess().stdout()).path("state").asText())
                .isEqualTo("DOWN");
        Exec.Result whileRunning = broken.cli("reset", "--yes");
        assertThat(whileRunning.exitCode()).isEqualTo(1);
        assertThat(whileRunning.stderr()).contains("is running on " + dir);
        broken.cli("reset", "--yes", "--stop").requireSuccess();
        assertThat(dir.resolve("microlink.sock")).doesNotExist();
    }

    @Test
    @Order(10)
    void upWithoutAKeyPrintsTheLoginUrlAndFinishesOnceAnAdminApprovesIt() throws Exception {
        MicrolinkProcess interactive = new MicrolinkProcess(tailnet.dir().resolve("ml-i")).start();
        others.add(interactive);
        CompletableFuture<Exec.Result> up = CompletableFuture.supplyAsync(() -> interactive.cli("up",
                "--login-server", tailnet.headscale().url(), "--hostname-prefix", "sensor", "--timeout", "120s"),
                Thread::startVirtualThread);
        String url = Await.result(WAIT, "the daemon to get a login URL", () -> {
            try {
                JsonNode s = JSON.readTree(interactive.cli("status", "--json").requireSuccess().stdout());
                return s.path("loginUrl").isTextual() ? s.path("loginUrl").asText() : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        tailnet.headscale().approveLogin(url, tailnet.user(TestTailnet.DEFAULT_USER));
        Exec.Result done = up.get(150, TimeUnit.SECONDS).requireSuccess();
        assertThat(done.stdout()).contains("To log in, visit:").contains(url).containsPattern("connected as sensor-[0-9a-f]{6}");
        assertThat(tailnet.headscale().nodes()).anySatisfy(n -> assertThat(n.givenName()).matches("sensor-[0-9a-f]{6}"));
    }

    @Test
    @Order(11)
    void logoutForgetsTheKeyAndUpWithANewKeyLogsInAgainAsANewNodeKey() throws Exception {
        String nodeKeyBefore = status().path("self").path("nodeKey").asText();
        microlink.cli("logout").requireSuccess();
        assertThat(status().path("state").asText()).isEqualTo("DOWN");
        assertThat(Files.readString(microlink.stateDir().resolve("settings.json")))
                .doesNotContain(singleUseKey.key()).containsPattern("\"authKey\"\\s*:\\s*null");

        Path keyFile = Files.createFile(tailnet.dir().resolve("ml-authkey-2"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, tailnet.reusableKey(TestTailnet.DEFAULT_USER).key());
        microlink.cli("up", "--auth-key-file", keyFile.toString(), "--timeout", "90s").requireSuccess();
        assertThat(status().path("self").path("nodeKey").asText()).isNotEqualTo(nodeKeyBefore);
        microlink.cli("ping", "-c", "10", "real").requireSuccess();
    }

    private static JsonNode status() {
        return microlink.statusJson();
    }

    private static JsonNode peer(JsonNode status, String name) {
        for (JsonNode p : status.path("peers")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        return JSON.missingNode();
    }

    /** Printable random text: the CLI's stdout is compared as a string. */
    private static String randomText(int size, long seed) {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            sb.append((char) (i % 80 == 79 ? '\n' : 'a' + random.nextInt(26)));
        }
        return sb.toString();
    }
}
