package io.microlink.interop.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.Headscale;
import io.microlink.interop.ManagedProcess;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TestTailnet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Debian package (scripts/package-deb) on this machine, as an operator uses it: installed
 * with dpkg (built under a strict umask, which must not change its modes; refused where an
 * account named microlink is a person's), its service started as its unit says, joined to the test tailnet, pinging a real
 * tailscaled, upgraded in place to a newer version without losing the node's identity, and
 * purged without a trace. dpkg changes the real root file system, so it needs root; the package
 * is purged at the end whatever happened. The machine has no systemd as PID 1: the test starts
 * the unit's {@code ExecStart} (with its drop-in) itself, as its {@code User=}, with its
 * {@code Environment=}, {@code EnvironmentFile=} and {@code UMask=} ({@link ServiceUnit}); the
 * sandboxing lines (ProtectSystem= and the rest) are not reproduced.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageInteropTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path JAR = ROOT.resolve("daemon/target/microlink.jar");
    private static final Path UNIT = Path.of("/usr/lib/systemd/system/microlink.service");
    private static final Path STATE = Path.of("/var/lib/microlink");
    private static final Path DEFAULTS = Path.of("/etc/default/microlink");
    private static final String OLD = "0.0.1~test1";
    private static final String NEW = "0.0.1~test2";
    /** The test tailnet's relay speaks plain HTTP; set through the package's conffile, which upgrades keep. */
    private static final String DERP_HTTP = "MICROLINK_DEBUG_USE_DERP_HTTP=1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Everything the package puts on the machine or makes there; none may stay after the purge. */
    private static final List<Path> FOOTPRINT = List.of(Path.of("/usr/lib/microlink"), Path.of("/usr/bin/microlink"),
            UNIT, Path.of("/usr/lib/systemd/system/microlink.service.d"), DEFAULTS,
            Path.of("/usr/share/doc/microlink"), STATE, Path.of("/var/cache/microlink"),
            Path.of("/etc/systemd/system/multi-user.target.wants/microlink.service"));

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    private static Path oldDeb;
    private static Path newDeb;
    private static Tailscaled real;
    private static ManagedProcess daemon;
    private static Headscale.Node registered;
    private static boolean touchedTheMachine;

    @BeforeAll
    static void buildTwoVersionsOfThePackage() {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "dpkg installs into the real root file system: run as root (CI does)");
        assumeTrue(onPath("dpkg") && onPath("dpkg-deb"), "no dpkg here: the package is for Debian and Ubuntu");
        assumeTrue(!installed() && !exec("getent", "passwd", "microlink").succeeded(),
                "this machine already has a microlink package or user, which the test would purge");
        assertThat(JAR).as("the daemon's jar: build it first (./mvnw -pl daemon -am package)").isRegularFile();
        oldDeb = buildPackage(OLD, "077"); // a builder's strict umask must not reach the package's modes
        newDeb = buildPackage(NEW, "022");
        real = tailnet.addNode("real");
    }

    @AfterAll
    static void purgeWhateverHappened() {
        if (daemon != null) {
            daemon.stop();
        }
        if (!touchedTheMachine) {
            return;
        }
        if (installed()) {
            Exec.Result purge = dpkg("--purge", "microlink");
            if (!purge.succeeded()) {
                throw new AssertionError("dpkg --purge microlink failed; run it by hand: " + purge.stderr());
            }
        }
        // A package that failed before its postrm could run leaves the user it made: ours all the same.
        if (exec("getent", "passwd", "microlink").succeeded()) {
            exec("userdel", "microlink").requireSuccess();
        }
    }

    @Test
    @Order(0)
    void refusesToRunAsAPersonsAccountOfThatNameAndPurgeLeavesTheAccount() {
        exec("useradd", "--shell", "/bin/bash", "--no-create-home", "--comment", "a person", "microlink")
                .requireSuccess();
        touchedTheMachine = true; // the account is ours to remove, whatever happens below
        Exec.Result install = dpkg("--install", oldDeb.toString());
        assertThat(install.succeeded()).as("dpkg --install with a person's account named microlink").isFalse();
        assertThat(install.stderr()).contains("the existing account 'microlink'").contains("looks like a person's")
                .contains("the service will not run as it");
        assertThat(Files.exists(STATE)).as("no state directory made for that account").isFalse();

        dpkg("--purge", "microlink").requireSuccess();
        assertThat(installed()).isFalse();
        assertThat(exec("getent", "passwd", "microlink").stdout()).as("the purge leaves an account it did not make")
                .contains("a person");
        exec("userdel", "microlink").requireSuccess();
    }

    @Test
    @Order(1)
    void installsTheServiceUserOwnerOnlyStateAndTheCliWithItsOwnRuntime() throws IOException {
        assertThat(exec("getent", "passwd", "microlink").succeeded()).as("no microlink account left by test 0").isFalse();
        // Built under umask 077: every path in the package readable by all (the one secret excepted).
        List<String> wrongModes = new ArrayList<>();
        for (String listing : List.of("--fsys-tarfile", "--ctrl-tarfile")) {
            String tar = exec("sh", "-c", "dpkg-deb " + listing + " \"$0\" | tar -tvf -", oldDeb.toString())
                    .requireSuccess().stdout();
            for (String line : tar.strip().split("\n")) {
                String mode = line.substring(0, 10);
                String path = line.substring(line.lastIndexOf(" ./") + 1).replaceFirst(" -> .*", "");
                boolean ok = path.equals("./etc/default/microlink") ? mode.equals("-rw-------")
                        : List.of("drwxr-xr-x", "-rw-r--r--", "-rwxr-xr-x", "lrwxrwxrwx").contains(mode);
                if (!ok) {
                    wrongModes.add(mode + " " + path);
                }
            }
        }
        assertThat(wrongModes).as("paths in the package with modes other than 755/644 (0600 /etc/default/microlink)")
                .isEmpty();

        dpkg("--install", oldDeb.toString()).requireSuccess();
        assertThat(exec("dpkg-query", "-W", "-f", "${Version}", "microlink").requireSuccess().stdout()).isEqualTo(OLD);

        String[] passwd = exec("getent", "passwd", "microlink").requireSuccess().stdout().strip().split(":");
        assertThat(Integer.parseInt(passwd[2])).as("a system user's uid").isLessThan(1000);
        assertThat(passwd[5]).isEqualTo(STATE.toString());
        assertThat(passwd[6]).as("no login").endsWith("nologin");
        PosixFileAttributes state = attributes(STATE);
        assertThat(state.owner().getName()).isEqualTo("microlink");
        assertThat(PosixFilePermissions.toString(state.permissions())).isEqualTo("rwx------");

        assertThat(Path.of("/usr/bin/microlink").toRealPath()).isEqualTo(Path.of("/usr/lib/microlink/scripts/microlink"));
        Path runtime = Path.of("/usr/lib/microlink/runtime");
        assertThat(runtime.resolve("bin/java")).isExecutable();
        assertThat(runtime.resolve("bin/javac")).as("a runtime, not a JDK").doesNotExist();
        assertThat(Files.readString(runtime.resolve("release"))).doesNotContain("jdk.compiler");
        Exec.Result help = cli("--help").requireSuccess();
        assertThat(help.stdout()).contains("usage: microlink");
        assertThat(exec("bash", "-c", "source /usr/share/bash-completion/completions/microlink && complete -p microlink")
                .requireSuccess().stdout()).contains("microlink");
        Exec.Result man = exec("bash", "-c", "zcat /usr/share/man/man1/microlink.1.gz | groff -man -Tutf8 -ww")
                .requireSuccess();
        assertThat(man.stdout()).contains("status");
        assertThat(man.stderr()).as("groff's warnings").isEmpty();
        assertThat(Path.of("/usr/share/zsh/vendor-completions/_microlink")).isNotEmptyFile();
        assertThat(Files.readString(Path.of("/var/lib/dpkg/info/microlink.conffiles")).strip())
                .isEqualTo(DEFAULTS.toString());
        assertThat(PosixFilePermissions.toString(attributes(DEFAULTS).permissions()))
                .as("it may hold a proxy password").isEqualTo("rw-------");
    }

    @Test
    @Order(2)
    void theUnitsCommandJoinsTheTestTailnetAndPingsARealNode() throws IOException {
        Files.writeString(DEFAULTS, DERP_HTTP + "\n", StandardOpenOption.APPEND);
        startTheService();
        Path keyFile = STATE.resolve("test-authkey");
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, tailnet.headscale().createAuthKey(tailnet.user(TestTailnet.DEFAULT_USER), false,
                false, Duration.ofHours(1)).key());
        giveToServiceUser(keyFile);
        Exec.Result up = cli("up", "--login-server", tailnet.headscale().url(),
                "--auth-key-file", keyFile.toString(), "--hostname", "deb-node", "--timeout", "90s").requireSuccess();
        assertThat(up.stdout()).contains("connected as deb-node");

        Exec.Result ping = cli("ping", "-c", "3", "real").requireSuccess();
        assertThat(ping.stdout()).contains("pong from real (" + real.ip("-4").getFirst() + ")");
        Await.until(WAIT, "the real node to see deb-node online", () -> real.status().seesOnlineWithHomeDerp("deb-node"));
        registered = tailnet.headscale().node("deb-node").orElseThrow();

        PosixFileAttributes keys = attributes(STATE.resolve("state.json"));
        assertThat(keys.owner().getName()).as("the node's keys belong to the service user").isEqualTo("microlink");
        assertThat(PosixFilePermissions.toString(keys.permissions())).isEqualTo("rw-------");
        List<String> daemonUser = ProcessHandle.of(daemon.pid()).orElseThrow().info().user().stream().toList();
        assertThat(daemonUser).containsExactly("microlink");
    }

    @Test
    @Order(3)
    void anUpgradeInPlaceStopsTheOldDaemonAndTheNewOneKeepsTheNodesIdentity() {
        assertThat(registered).as("the node joined in the previous test").isNotNull();
        dpkg("--install", newDeb.toString()).requireSuccess();
        // No systemd: prerm stopped the daemon itself, as systemctl stop would have.
        assertThat(daemon.isAlive()).as("the old daemon, after the upgrade").isFalse();
        assertThat(exec("dpkg-query", "-W", "-f", "${Version}", "microlink").requireSuccess().stdout()).isEqualTo(NEW);
        assertThat(readDefaults()).as("the conffile with our change, kept").contains(DERP_HTTP);

        startTheService();
        Await.until(WAIT, "the upgraded daemon to reconnect without logging in",
                () -> cli("status").stdout().contains("CONNECTED"));
        cli("ping", "-c", "3", "real").requireSuccess();
        List<Headscale.Node> named = tailnet.headscale().nodes().stream()
                .filter(n -> n.givenName().equals("deb-node")).toList();
        assertThat(named).hasSize(1);
        assertThat(named.getFirst().id()).as("the same node in headscale").isEqualTo(registered.id());
        assertThat(named.getFirst().nodeKey()).as("the same node key").isEqualTo(registered.nodeKey());
    }

    @Test
    @Order(4)
    void purgeStopsTheDaemonAndLeavesNothingBehind() {
        dpkg("--purge", "microlink").requireSuccess();
        if (daemon != null) {
            assertThat(daemon.isAlive()).as("the daemon, after the purge").isFalse();
        }
        assertThat(installed()).isFalse();
        assertThat(exec("getent", "passwd", "microlink").succeeded()).as("the service user").isFalse();
        assertThat(exec("getent", "group", "microlink").succeeded()).as("the service group").isFalse();
        assertThat(FOOTPRINT).allSatisfy(p -> assertThat(Files.exists(p, LinkOption.NOFOLLOW_LINKS))
                .as(p + " after the purge").isFalse());
    }

    /** The unit's command as its User=, with its environment and umask: what systemd would run. */
    private static void startTheService() {
        try {
            ServiceUnit unit = ServiceUnit.read(UNIT);
            assertThat(unit.user()).isEqualTo("microlink");
            String home = exec("getent", "passwd", unit.user()).requireSuccess().stdout().strip().split(":")[5];
            List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                    "HOME=" + home, "USER=" + unit.user(), "LOGNAME=" + unit.user()));
            unit.environment().forEach((k, v) -> command.add(k + "=" + v));
            command.addAll(List.of("setpriv", "--reuid=" + unit.user(), "--regid=" + unit.group(), "--init-groups",
                    "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--", "/bin/sh", "-c",
                    "umask " + (unit.umask() == null ? "0022" : unit.umask()) + " && exec \"$0\" \"$@\""));
            command.addAll(unit.execStart());
            daemon = ManagedProcess.start("microlink.service", command, Map.of(), tailnet.dir().resolve("service.log"));
        } catch (IOException e) {
            throw new AssertionError("cannot read the installed unit " + UNIT, e);
        }
        Await.until(WAIT, "the service's API to answer", () -> {
            daemon.requireAlive();
            return cli("status").succeeded();
        });
    }

    private static Path buildPackage(String version, String umask) {
        Exec.Result r = Exec.run(Duration.ofMinutes(2), List.of("sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\"",
                        ROOT.resolve("scripts/package-deb").toString(),
                        "--version", version, "--jar", JAR.toString(), "--out", tailnet.dir().toString(),
                        "--compression", "none"),
                Map.of("JAVA_HOME", System.getProperty("java.home")), null).requireSuccess();
        return Path.of(r.stdout().strip());
    }

    /**
     * dpkg, waiting up to a minute for its lock: another program on the machine (apt, another
     * test run) may hold it for a while, and dpkg itself only refuses at once.
     */
    private static Exec.Result dpkg(String... args) {
        touchedTheMachine = true;
        List<String> command = new ArrayList<>(List.of("dpkg", "--force-confold"));
        command.addAll(List.of(args));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            Exec.Result r = Exec.run(Duration.ofMinutes(1), command, Map.of("DEBIAN_FRONTEND", "noninteractive"), null);
            if (r.succeeded() || !r.stderr().contains("lock") || System.nanoTime() - deadline > 0) {
                return r;
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return r;
            }
        }
    }

    private static boolean installed() {
        Exec.Result r = exec("dpkg-query", "-W", "-f", "${db:Status-Status}", "microlink");
        return r.succeeded() && !r.stdout().strip().equals("not-installed");
    }

    private static String readDefaults() {
        try {
            return Files.readString(DEFAULTS);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + DEFAULTS, e);
        }
    }

    private static void giveToServiceUser(Path file) throws IOException {
        UserPrincipalLookupService users = file.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName("microlink"));
        view.setGroup(users.lookupPrincipalByGroupName("microlink"));
    }

    private static PosixFileAttributes attributes(Path p) throws IOException {
        return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean onPath(String command) {
        return exec("sh", "-c", "command -v " + command).succeeded();
    }

    /**
     * The packaged CLI as root runs it (its default state directory is /var/lib/microlink). The
     * launcher's cache directory cannot be made, so it keeps no AOT cache in root's home and
     * starts no background run to make one.
     */
    private static Exec.Result cli(String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/microlink"));
        command.addAll(List.of(args));
        return Exec.run(Duration.ofSeconds(90), command, Map.of("MICROLINK_CACHE_DIR", "/dev/null/no-cache"), null);
    }

    private static Exec.Result exec(String... command) {
        return Exec.run(Duration.ofSeconds(90), List.of(command));
    }
}
