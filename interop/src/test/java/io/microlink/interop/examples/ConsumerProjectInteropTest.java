package io.microlink.interop.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's "add this dependency" path, end to end: {@code examples/consumer}, a project outside
 * this build with the BOM and {@code microlink-core} as its only dependency, is built by Maven from
 * the staged artifacts alone (scripts/stage-artifacts, which scripts/test runs as its deploy
 * phase), then joins the test tailnet beside a real tailscaled, on the module path and on the class
 * path: the real node reaches the JDK HTTP server it serves on a tailnet port, and it fetches a page
 * from the real node over {@code node.socketFactory()}.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ConsumerProjectInteropTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path CONSUMER = ROOT.resolve("examples/consumer");
    private static final Path STAGING = ROOT.resolve("target/staging-repo");
    private static final String VERSION = System.getProperty("microlink.version");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String PAGE = "a page the real node serves";

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static Tailscaled real;
    private static HttpServer page;

    @BeforeAll
    static void buildTheConsumerFromTheStagedArtifactsAndStartTheRealNode() throws IOException {
        assertThat(VERSION).as("the build's version, from surefire").isNotBlank();
        assertThat(STAGING.resolve("io/microlink/microlink-bom/" + VERSION))
                .as("the staged library: run scripts/stage-artifacts (scripts/test stages it) first").isDirectory();
        Path localRepo = tailnet.dir().resolve("consumer-repo");
        Path settings = tailnet.dir().resolve("consumer-settings.xml");
        Files.writeString(settings, settings(localRepo));
        String javaHome = System.getProperty("java.home");
        // Offline but for file: repositories: everything comes from the staging repository and
        // this machine's Maven cache (the test runs where no network reaches).
        Exec.Result build = Exec.run(Duration.ofMinutes(4), List.of(ROOT.resolve("mvnw").toString(), "-B", "-ntp",
                "-o", "-Daether.offline.protocols=file", "-s", settings.toString(), "-f",
                CONSUMER.resolve("pom.xml").toString(), "-Dmicrolink.version=" + VERSION, "clean", "package"),
                Map.of("JAVA_HOME", javaHome), null);
        build.requireSuccess();
        // The library came from the staging repository, into the consumer's own local repository.
        assertThat(localRepo.resolve("io/microlink/microlink-core/" + VERSION)).isDirectoryContaining(
                p -> p.getFileName().toString().matches("microlink-core-.*\\.jar"));

        real = tailnet.addNode("real");
        page = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        page.createContext("/", exchange -> {
            byte[] body = (PAGE + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        page.start();
    }

    @AfterAll
    static void stopThePage() {
        if (page != null) {
            page.stop(0);
        }
    }

    /** The consumer's Maven settings: the staged library, and the machine's Maven cache as a repository. */
    private static String settings(Path localRepo) {
        Path cache = Path.of(System.getProperty("user.home"), ".m2", "repository");
        return """
                <settings>
                  <localRepository>%s</localRepository>
                  <profiles><profile><id>staged</id>
                    <repositories>
                      <repository><id>microlink-staging</id><url>%s</url>
                        <releases><enabled>false</enabled></releases></repository>
                      <repository><id>machine-cache</id><url>%s</url></repository>
                    </repositories>
                    <pluginRepositories>
                      <pluginRepository><id>machine-cache</id><url>%s</url></pluginRepository>
                    </pluginRepositories>
                  </profile></profiles>
                  <activeProfiles><activeProfile>staged</activeProfile></activeProfiles>
                </settings>
                """.formatted(localRepo, STAGING.toUri(), cache.toUri(), cache.toUri());
    }

    @ParameterizedTest
    @ValueSource(strings = {"module-path", "class-path"})
    void servesTheJdkHttpServerOnTheTailnetAndFetchesOverTheSocketFactory(String how) throws Exception {
        String hostname = "app-" + how.substring(0, how.indexOf('-'));
        int pagePort = page.getAddress().getPort();
        String fetch = "http://real:" + pagePort + "/";
        String authKey = tailnet.reusableKey(TestTailnet.DEFAULT_USER).key();
        List<String> command = new ArrayList<>(List.of(java()));
        Path target = CONSUMER.resolve("target");
        if (how.equals("module-path")) {
            command.addAll(List.of("--enable-native-access=io.microlink.wireguard", "-p",
                    target.resolve("tailnet-app.jar") + ":" + target.resolve("lib"), "-m",
                    "com.example.tailnetapp/com.example.tailnetapp.Main"));
        } else {
            command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp",
                    target.resolve("tailnet-app.jar") + ":" + target.resolve("lib") + "/*",
                    "com.example.tailnetapp.Main"));
        }
        command.addAll(List.of("--login-server", tailnet.headscale().url(), "--hostname", hostname, "--state-dir",
                tailnet.dir().resolve(hostname).toString(), "--port", "8080", "--fetch", fetch));
        Path log = tailnet.dir().resolve(hostname + ".log");
        try (ManagedProcess app = ManagedProcess.start(hostname, command,
                Map.of("TS_AUTHKEY", authKey, "MICROLINK_DEBUG_USE_DERP_HTTP", "1"), log)) {
            Await.until(WAIT, () -> hostname + " to fetch the real node's page:\n" + app.logTail(40), () -> {
                app.requireAlive();
                return app.logTail(40).contains("fetched " + fetch + ": 200 " + PAGE);
            });
            assertThat(app.logTail(40)).contains("serving http://" + hostname + ":8080/ on the tailnet");

            String hello = Await.result(WAIT, "the real node to reach " + hostname + "'s page", () -> {
                Exec.Result r = Exec.run(Duration.ofSeconds(30), List.of("curl", "-sS", "--max-time", "20",
                        "--socks5-hostname", "127.0.0.1:" + real.socks5Port(), "http://" + hostname + ":8080/"));
                return r.succeeded() ? r.stdout() : null;
            });
            // The pipe in front of the JDK server knew the caller by its tailnet address (whois).
            assertThat(hello).matches("hello from " + Pattern.quote(hostname) + " to real \\(\\S+\\)\n");

            ProcessHandle handle = ProcessHandle.of(app.pid()).orElseThrow();
            handle.destroy(); // SIGTERM, as a service manager stops it
            handle.onExit().get(30, TimeUnit.SECONDS);
            assertThat(Files.readString(log)).contains("stopping").doesNotContain(authKey);
        }
    }

    private static String java() {
        return Optional.ofNullable(System.getenv("MICROLINK_JAVA"))
                .orElseGet(() -> ProcessHandle.current().info().command().orElseThrow());
    }
}
