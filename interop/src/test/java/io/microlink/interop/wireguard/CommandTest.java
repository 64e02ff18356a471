package io.microlink.interop.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.crypto.X25519;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.NetworkNamespaces;
import io.microlink.interop.WireGuardGo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The wg-quick-style command in its own JVM and namespace, against wireguard-go in another. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CommandTest {
    @TempDir
    Path dir;

    private static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> command(String... args) {
        String java = System.getenv().getOrDefault("MICROLINK_JAVA",
                ProcessHandle.current().info().command().orElse("java"));
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "io.microlink.wireguard.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void upBringsAnInterfaceFromAWgQuickFileThatPingsWireguardGoBothWays() throws Exception {
        try (NetworkNamespaces net = new NetworkNamespaces()) {
            String a = net.create("cmdjava"), b = net.create("cmdgo");
            net.link(a, "10.202.0.1/24", b, "10.202.0.2/24");
            byte[] key = X25519.generatePrivateKey();
            try (WireGuardGo go = WireGuardGo.start(net, b, dir, 51821)) {
                go.addPeer(X25519.publicKey(key), null, "10.78.0.1/32", null, 0);
                go.addAddress("10.78.0.2/24");
                Path conf = dir.resolve("mlcmd0.conf");
                Files.writeString(conf, """
                        [Interface]
                        PrivateKey = %s
                        ListenPort = 51820
                        Address = 10.78.0.1/24

                        [Peer]
                        PublicKey = %s
                        AllowedIPs = 10.78.0.2/32
                        Endpoint = 10.202.0.2:51821
                        PersistentKeepalive = 25
                        """.formatted(Base64.getEncoder().encodeToString(key),
                        Base64.getEncoder().encodeToString(go.publicKey())));
                Path log = dir.resolve("microlink-wg.log");
                try (ManagedProcess wg = net.start(a, "microlink-wg", command("up", conf.toString()), Map.of(), log)) {
                    Await.until(Duration.ofSeconds(30), "microlink-wg to come up", () -> {
                        wg.requireAlive();
                        return readLog(log).contains("mlcmd0 up, public key");
                    });
                    // PersistentKeepalive makes the Java side handshake at once; then both ways work.
                    Await.until(Duration.ofSeconds(20), "a handshake seen by wireguard-go",
                            () -> go.peers().getFirst().latestHandshakeEpochSeconds() > 0);
                    assertThat(net.exec(b, "ping", "-c", "1", "-W", "3", "10.78.0.1").succeeded())
                            .as(wg.logTail(20)).isTrue();
                    assertThat(net.exec(a, "ping", "-c", "1", "-W", "3", "10.78.0.2").succeeded())
                            .as(wg.logTail(20)).isTrue();
                    assertThat(Files.readString(log)).doesNotContain(Base64.getEncoder().encodeToString(key));
                }
                // Stopping the command removes the interface.
                assertThat(net.exec(a, "ip", "link", "show", "mlcmd0").succeeded()).isFalse();
            }
        }
    }

    @Test
    void aBadConfigFailsWithFileLineAndReasonAndNeverEchoesTheKey() throws Exception {
        String secretish = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2Vj";
        Path conf = dir.resolve("wg9.conf");
        Files.writeString(conf, "[Interface]\n# keys below\nPrivateKey = " + secretish + "\n");
        Exec.Result r = Exec.run(Duration.ofSeconds(60), command("up", conf.toString()));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains(conf + ":3: PrivateKey: a key is 32 bytes, this one decodes to 33");
        assertThat(r.stdout() + r.stderr()).doesNotContain(secretish.substring(4, 30));
    }
}
