package io.microlink.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/microlink}, the launcher, against a stand-in JDK whose {@code java} only logs
 * how it was started: what each command costs in JVM starts and which options each gets.
 */
class LauncherScriptTest {
    private static final Path LAUNCHER = Path.of("..", "scripts", "microlink").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private Path jdk;
    private Path jar;
    private Path log;

    @BeforeEach
    void fakeJdk() throws IOException {
        jdk = dir.resolve("jdk");
        log = dir.resolve("java-starts.log");
        jar = Files.writeString(dir.resolve("microlink.jar"), "not a jar; the stand-in java never opens it");
        Files.createDirectories(jdk.resolve("bin"));
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.9\"\nJAVA_RUNTIME_VERSION=\"25.0.9+1\"\n");
        executable(jdk.resolve("bin/javac"), "#!/bin/sh\nexit 0\n");
        // Answers a version probe as a JDK 25 would, and writes the AOT cache it is asked for.
        executable(jdk.resolve("bin/java"), """
                #!/bin/sh
                echo "${MICROLINK_FULL_CLI:+FULL }$*" >> "%s"
                for a in "$@"; do
                  case "$a" in
                    -XshowSettings:properties) echo "    java.specification.version = 25" >&2 ;;
                    -XX:AOTCacheOutput=*)
                      sleep 1
                      [ -f "%s" ] && exit 1 # a status that failed: the launcher keeps no cache
                      echo cache > "${a#-XX:AOTCacheOutput=}" ;;
                  esac
                done
                exit 0
                """.formatted(log, dir.resolve("status-fails")));
    }

    @Test
    void aCommandStartsOneJvmOnly() throws Exception {
        launch("--version");
        assertThat(starts()).hasSize(1);
        assertThat(starts().getFirst()).endsWith("-jar " + jar + " --version");
    }

    @Test
    void theDaemonGetsNoneOfTheCliStartupOptions() throws Exception {
        launch("daemon", "--state-dir", dir.toString());
        assertThat(starts()).singleElement().satisfies(cmd -> assertThat(cmd)
                .doesNotContain("TieredStopAtLevel").endsWith(" daemon --state-dir " + dir));
    }

    @Test
    void theDaemonRecordsItsCacheOnceAndUsesItFromTheNextStartUntilTheJarChanges() throws Exception {
        launch("daemon");
        String output = option(starts().getLast(), "-XX:AOTCacheOutput=");
        launch("daemon"); // the stand-in wrote the cache and no configuration is left: complete
        assertThat(option(starts().getLast(), "-XX:AOTCache=")).isEqualTo(output.replaceFirst("\\.new$", ""));

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        launch("daemon");
        assertThat(starts().getLast()).contains("-XX:AOTCacheOutput=");
    }

    @Test
    void aDaemonCacheWhoseWritingWasCutShortIsRecordedAgain() throws Exception {
        launch("daemon");
        String output = option(starts().getLast(), "-XX:AOTCacheOutput=");
        Files.writeString(Path.of(output + ".config"), "left by a JVM killed while it wrote the cache");
        launch("daemon");
        assertThat(starts().getLast()).contains("-XX:AOTCacheOutput=" + output).doesNotContain("-XX:AOTCache=");
    }

    @Test
    void theFirstStatusMakesBothCliCachesWhichLaterCommandsUseUntilTheJarChanges() throws Exception {
        launch("status");
        Path statusCache = awaitCache("cli-status-");
        Path cache = awaitCache("cli-1");   // the name goes on with the jar's mtime
        awaitTrainingsEnded();
        // The other commands' cache comes from a status through the full CLI, the fast path off.
        assertThat(starts()).anySatisfy(cmd -> assertThat(cmd).startsWith("FULL ")
                .contains("-XX:AOTCacheOutput=" + cache + "."));
        assertThat(starts()).anySatisfy(cmd -> assertThat(cmd).doesNotStartWith("FULL ")
                .contains("-XX:AOTCacheOutput=" + statusCache + "."));
        launch("--version");
        assertThat(starts().getLast()).contains("-XX:AOTCache=" + cache + " ");
        launch("status", "--json");
        assertThat(starts().getLast()).contains("-XX:AOTCache=" + statusCache + " ");

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        launch("--version");
        assertThat(starts().getLast()).doesNotContain("AOTCache");
    }

    @Test
    void aBurstOfFirstStatusesMakesTheCachesOnce() throws Exception {
        for (int i = 0; i < 5; i++) {
            launch("status");
        }
        awaitCache("cli-status-");
        awaitCache("cli-1");
        awaitTrainingsEnded();
        assertThat(starts().stream().filter(cmd -> cmd.contains("AOTCacheOutput"))).hasSize(2);
    }

    @Test
    void aStatusThatFailsIsNotTrainedOnAgainAtOnce() throws Exception {
        Files.writeString(dir.resolve("status-fails"), "");
        launch("status");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (starts().stream().noneMatch(cmd -> cmd.contains("AOTCacheOutput")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(200); // the lock is taken once the first training has started
        awaitTrainingsEnded();
        long trainings = starts().stream().filter(cmd -> cmd.contains("AOTCacheOutput")).count();
        launch("status");
        Thread.sleep(1500); // time for a second training to start, were one to
        awaitTrainingsEnded();
        assertThat(starts().stream().filter(cmd -> cmd.contains("AOTCacheOutput"))).hasSize((int) trainings);
        try (Stream<Path> files = Files.list(dir.resolve("cache/aot"))) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains(".aot"));
        }
    }

    @Test
    void aCacheOthersCouldHaveWrittenIsNotLoadedButRecordedAfresh() throws Exception {
        launch("daemon");
        launch("daemon");
        Path cache = Path.of(option(starts().getLast(), "-XX:AOTCache="));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rw-rw-rw-"));
        launch("daemon");
        assertThat(starts().getLast()).doesNotContain("-XX:AOTCache=").contains("-XX:AOTCacheOutput=" + cache + ".new");
    }

    @Test
    void aCacheDirectoryOthersCanWriteIsNeitherReadNorWritten() throws Exception {
        launch("daemon");
        launch("daemon");
        Files.setPosixFilePermissions(dir.resolve("cache/aot"), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNoCacheUsedOrMade();
    }

    /** {@code sudo -E}: root's launcher, given the invoking user's HOME and with it that user's caches. */
    @Test
    void asRootAnotherUsersCachesAreNeitherReadNorWritten() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give its files to another user");
        launch("daemon");
        launch("daemon");
        Process chown = new ProcessBuilder("chown", "-R", "65534:65534", dir.resolve("cache/aot").toString()).start();
        assertThat(chown.waitFor(30, TimeUnit.SECONDS) && chown.exitValue() == 0).as("chown").isTrue();
        assertNoCacheUsedOrMade();
    }

    /** With a daemon cache there: a daemon and a first status start with none and record none. */
    private void assertNoCacheUsedOrMade() throws Exception {
        int before = starts().size();
        launch("daemon");
        launch("status");
        Thread.sleep(1500); // time for a background training to start, were one to
        assertThat(starts().subList(before, starts().size())).hasSize(2)
                .allSatisfy(cmd -> assertThat(cmd).doesNotContain("AOTCache"));
    }

    /** The background training holds the lock while it runs; taking it means none runs. */
    private void awaitTrainingsEnded() throws Exception {
        Process p = new ProcessBuilder("flock", "-w", "30", dir.resolve("cache/aot/cli.lock").toString(), "true")
                .start();
        assertThat(p.waitFor(40, TimeUnit.SECONDS) && p.exitValue() == 0).as("the training ends").isTrue();
    }

    private void launch(String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("launcher.out").toFile());
        pb.environment().putAll(Map.of("JAVA_HOME", jdk.toString(), "MICROLINK_JAR", jar.toString(),
                "MICROLINK_CACHE_DIR", dir.resolve("cache").toString()));
        pb.environment().remove("MICROLINK_JAVA_OPTS");
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the launcher ends").isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("launcher.out"))).isZero();
    }

    private static String option(String command, String prefix) {
        return java.util.Arrays.stream(command.split(" ")).filter(w -> w.startsWith(prefix))
                .map(w -> w.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " in " + command));
    }

    /** The finished cache whose name starts with {@code prefix}. */
    private Path awaitCache(String prefix) throws Exception {
        Path aot = dir.resolve("cache/aot");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(aot)) {
                try (Stream<Path> files = Files.list(aot)) {
                    var done = files.filter(f -> f.getFileName().toString().startsWith(prefix)
                            && f.getFileName().toString().endsWith(".aot")).findFirst();
                    if (done.isPresent()) {
                        return done.get();
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + prefix + " cache in " + aot + " within 30 s");
    }

    private List<String> starts() throws IOException {
        return Files.readAllLines(log);
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
