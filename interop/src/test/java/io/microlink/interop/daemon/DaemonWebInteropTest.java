package io.microlink.interop.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.host.settings.NodeSettings;
import io.microlink.host.settings.SettingsStore;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.FreePorts;
import io.microlink.interop.MicrolinkProcess;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code microlink daemon} serves the web page with its node: on localhost and on its tailnet
 * address (reached through a real tailscaled's SOCKS5 proxy). Changes from the page go through
 * the daemon; a restart from the page brings node and page back with the saved settings.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DaemonWebInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private record Reply(int status, JsonNode json) {}

    /** The local page's token, from `microlink web`; null until then. */
    private static String localToken;

    /** curl to the page: through {@code via}'s SOCKS5 proxy to {@code host}, or to localhost when null. */
    private static Reply curl(Tailscaled via, String host, int localPort, String method, String path, String body) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-X", method, "-w", "\n%{http_code}"));
        if (via != null) {
            cmd.addAll(List.of("--socks5", "127.0.0.1:" + via.socks5Port()));
        } else if (localToken != null) {
            cmd.addAll(List.of("-H", "Authorization: Bearer " + localToken));
        }
        if (body != null) {
            cmd.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
        }
        cmd.add((via != null ? "http://" + host : "http://127.0.0.1:" + localPort) + path);
        String out = Exec.run(Duration.ofSeconds(30), cmd).requireSuccess().stdout();
        int split = out.lastIndexOf('\n');
        try {
            return new Reply(Integer.parseInt(out.substring(split + 1).strip()), JSON.readTree(out.substring(0, split)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theDaemonServesItsPageAndRestartsFromIt() throws Exception {
        Tailscaled alice = tailnet.addNode("alice-ts");
        Path dir = tailnet.dir().resolve("mlweb");
        int localPort = FreePorts.tcp();
        new SettingsStore(dir).save(NodeSettings.defaults().withChanges(JSON.readTree(
                "{\"webLocalPort\":" + localPort + "}")));
        try (MicrolinkProcess microlink = new MicrolinkProcess(dir).start()) {
            Path keyFile = Files.createFile(tailnet.dir().resolve("mlweb-authkey"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            String authKey = tailnet.reusableKey(TestTailnet.DEFAULT_USER).key();
            Files.writeString(keyFile, authKey);
            Exec.Result up = microlink.cli("up", "--login-server", tailnet.headscale().url(), "--auth-key",
                    "file:" + keyFile, "--hostname", "java-dw", "--timeout", "90s").requireSuccess();
            assertThat(up.stderr()).doesNotContain("warning");
            Await.until(WAIT, "alice-ts to see java-dw", () -> alice.status().seesOnlineWithHomeDerp("java-dw"));
            String ip = alice.cli(Duration.ofSeconds(20), "ip", "-4", "java-dw").requireSuccess().stdout().strip();
            // The daemon read the key from the file: only the file's name is saved.
            assertThat(Files.readString(new SettingsStore(dir).file())).doesNotContain(authKey)
                    .contains("file:" + keyFile);

            // The local page answers only with the token `microlink web` hands out.
            Await.until(WAIT, "the page on localhost", () -> curl(null, null, localPort, "GET", "/api/status", null)
                    .status() == 401);
            String link = microlink.cli("web").requireSuccess().stdout().strip();
            assertThat(link).startsWith("http://127.0.0.1:" + localPort + "/?token=");
            localToken = link.substring(link.indexOf("?token=") + "?token=".length());
            assertThat(Files.readString(dir.resolve("web-token")).strip()).isEqualTo(localToken);
            JsonNode local = Await.result(WAIT, "the page on localhost", () ->
                    curl(null, null, localPort, "GET", "/api/status", null).json());
            assertThat(local.path("name").asText()).isEqualTo("java-dw");
            assertThat(local.path("role").asText()).isEqualTo("owner");
            assertThat(curl(alice, ip, 0, "GET", "/api/status", null).json().path("role").asText()).isEqualTo("owner");

            // The allowlist applies at once; a session setting waits for a restart.
            Reply allowed = curl(alice, ip, 0, "POST", "/api/peers/allowed", "{\"add\":[\"alice-ts\"]}");
            assertThat(allowed.status()).isEqualTo(200);
            Reply saved = curl(alice, ip, 0, "POST", "/api/settings", "{\"maxActivePeers\":64}");
            assertThat(saved.json().path("restartRequired").toString()).isEqualTo("[\"maxActivePeers\"]");
            NodeSettings onDisk = new SettingsStore(dir).load();
            assertThat(onDisk.discoAllowlist()).containsExactly("alice-ts");
            assertThat(onDisk.maxActivePeers()).isEqualTo(64);

            assertThat(curl(alice, ip, 0, "POST", "/api/restart", "{}").status()).isEqualTo(202);
            Await.until(WAIT, "the node and its page to come back with nothing waiting", () -> {
                JsonNode s = curl(null, null, localPort, "GET", "/api/settings", null).json();
                return s.path("restartRequired").isEmpty()
                        && curl(null, null, localPort, "GET", "/api/status", null).json().path("state").asText()
                                .equals("CONNECTED");
            });
            // The restarted node is new to alice-ts's WireGuard: the page returns once they have met again.
            JsonNode allowlist = Await.result(WAIT, "the page on the tailnet again",
                    () -> curl(alice, ip, 0, "GET", "/api/peers/allowed", null).json());
            assertThat(allowlist.path("peers").toString()).isEqualTo("[\"alice-ts\"]");
            assertThat(microlink.log()).contains("restarting the node").doesNotContain("web page is not served")
                    .doesNotContain(authKey).doesNotContain(localToken);
            assertThat(microlink.cli("status", "--json").requireSuccess().stdout()).doesNotContain(authKey);
            assertThat(curl(null, null, localPort, "GET", "/api/settings", null).json().toString())
                    .doesNotContain(authKey).doesNotContain(keyFile.toString());
        }
    }

    @Test
    void anInlineAuthKeyIsWarnedAboutAndForgottenOnceLoggedIn() throws Exception {
        Path dir = tailnet.dir().resolve("mlinline");
        new SettingsStore(dir).save(NodeSettings.defaults().withChanges(JSON.readTree("{\"webLocalPort\":0,"
                + "\"socks5Port\":0,\"httpProxyPort\":0,\"webEnabled\":false}")));
        try (MicrolinkProcess microlink = new MicrolinkProcess(dir).start()) {
            String authKey = tailnet.reusableKey(TestTailnet.DEFAULT_USER).key();
            Exec.Result up = microlink.cli("up", "--login-server", tailnet.headscale().url(), "--auth-key", authKey,
                    "--hostname", "java-inline", "--timeout", "90s").requireSuccess();
            assertThat(up.stderr()).contains("warning: an auth key on the command line is visible");
            Path settingsFile = new SettingsStore(dir).file();
            Await.until(WAIT, "the used key to leave settings.json", () -> {
                try {
                    return !Files.readString(settingsFile).contains(authKey);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertThat(new SettingsStore(dir).load().authKey()).isNull();
            assertThat(microlink.log()).doesNotContain(authKey);
            assertThat(microlink.cli("status", "--json").requireSuccess().stdout()).doesNotContain(authKey);
        }
    }
}
