package io.microlink.tun;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.wire.DnsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TUN mode's hold on a resolv.conf in a directory of the test's own (never the host's
 * /etc/resolv.conf): backup, atomic writes, restore at close and after a killed run.
 */
class SystemResolverTest {
    private static final String ORIGINAL = "# the host's own\nsearch lan\nnameserver 192.0.2.53\noptions ndots:2\n";
    private static final DnsConfig TAILNET = new DnsConfig(null, null, null, List.of("tailnet.test"), true, null);

    @TempDir
    Path dir;
    private Path file;
    private Path state;

    @BeforeEach
    void hostFile() throws IOException {
        file = dir.resolve("resolv.conf");
        state = Files.createDirectory(dir.resolve("state"));
        Files.writeString(file, ORIGINAL);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private SystemResolver start(boolean accept) {
        return SystemResolver.start(new SystemResolver.Config(file, state, accept));
    }

    @Test
    void theFileNamesQuadHundredWhileTheNodeRunsAndIsTheHostsOwnAgainAfter() throws IOException {
        SystemResolver r = start(true);
        assertThat(r.hostResolvers()).containsExactly(new InetSocketAddress("192.0.2.53", 53));
        assertThat(Files.readString(file)).as("nothing before the first netmap").isEqualTo(ORIGINAL);
        r.follow(TAILNET);
        assertThat(Files.readString(file)).isEqualTo(ResolvConf.wanted(TAILNET).orElseThrow());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(state.resolve(SystemResolver.BACKUP))).isEqualTo(ORIGINAL);
        r.close();
        assertThat(Files.readString(file)).isEqualTo(ORIGINAL);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        assertThat(state.resolve(SystemResolver.BACKUP)).doesNotExist();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).as("no temporary file left")
                .containsExactlyInAnyOrder("resolv.conf", "state");
    }

    @Test
    void searchDomainsFollowTheNetmapAndATailnetWithoutDnsGivesTheFileBack() throws IOException {
        SystemResolver r = start(true);
        r.follow(TAILNET);
        DnsConfig more = new DnsConfig(null, null, null, List.of("tailnet.test", "corp.example"), true, null);
        r.follow(more);
        assertThat(Files.readString(file)).contains("search tailnet.test corp.example\n");
        r.follow(null);
        assertThat(Files.readString(file)).isEqualTo(ORIGINAL);
        r.follow(TAILNET);
        assertThat(Files.readString(file)).contains("search tailnet.test\n");
        r.close();
        assertThat(Files.readString(file)).isEqualTo(ORIGINAL);
    }

    @Test
    void aKilledRunsBackupIsReusedAndTheHostResolversComeFromItNotFromOurFile() throws IOException {
        start(true).follow(TAILNET); // then killed: never closed
        SystemResolver next = start(true);
        assertThat(next.hostResolvers()).containsExactly(new InetSocketAddress("192.0.2.53", 53));
        next.follow(TAILNET);
        assertThat(Files.readString(state.resolve(SystemResolver.BACKUP))).isEqualTo(ORIGINAL);
        next.close();
        assertThat(Files.readString(file)).isEqualTo(ORIGINAL);
    }

    @Test
    void withAcceptDnsOffAKilledRunsChangeIsUndoneAndNothingElseHappens() throws IOException {
        start(true).follow(TAILNET);
        assertThat(start(false)).isNull();
        assertThat(Files.readString(file)).isEqualTo(ORIGINAL);
        assertThat(state.resolve(SystemResolver.BACKUP)).doesNotExist();
        assertThat(start(false)).isNull();
        assertThat(Files.readString(file)).isEqualTo(ORIGINAL);
    }

    @Test
    void aFileSomeoneElseWroteMeanwhileIsLeftAsItIs() throws IOException {
        SystemResolver r = start(true);
        r.follow(TAILNET);
        Files.writeString(file, "nameserver 198.51.100.7\n"); // a DHCP client, say
        r.close();
        assertThat(Files.readString(file)).isEqualTo("nameserver 198.51.100.7\n");
        assertThat(state.resolve(SystemResolver.BACKUP)).doesNotExist();
    }

    @Test
    void aFileWrittenOverOursBecomesTheBackupWhenTheNodeWritesAgain() throws IOException {
        SystemResolver r = start(true);
        r.follow(TAILNET);
        Files.writeString(file, "nameserver 198.51.100.7\n");
        r.follow(new DnsConfig(null, null, null, List.of("other.test"), true, null));
        assertThat(Files.readString(file)).contains("search other.test\n");
        r.close();
        assertThat(Files.readString(file)).isEqualTo("nameserver 198.51.100.7\n");
    }

    @Test
    void ourOwnFileIsNeverTakenForTheHostsEvenWithoutABackup() throws IOException {
        start(true).follow(TAILNET);
        Files.delete(state.resolve(SystemResolver.BACKUP)); // lost, say
        SystemResolver next = start(true);
        assertThat(next.hostResolvers()).isEmpty();
        next.follow(new DnsConfig(null, null, null, List.of("other.test"), true, null));
        assertThat(state.resolve(SystemResolver.BACKUP)).doesNotExist();
        next.close();
        assertThat(Files.readString(file)).as("nothing to give back").contains("nameserver 100.100.100.100");
    }

    @Test
    void aSymlinkIsReplacedWhileTheNodeRunsAndComesBackAsTheSameSymlink() throws IOException {
        Path target = dir.resolve("elsewhere.conf");
        Files.move(file, target);
        Files.createSymbolicLink(file, Path.of("elsewhere.conf"));
        SystemResolver r = start(true);
        r.follow(TAILNET);
        assertThat(Files.isSymbolicLink(file)).isFalse();
        assertThat(Files.readString(target)).as("the link's target is not written").isEqualTo(ORIGINAL);
        r.close();
        assertThat(Files.isSymbolicLink(file)).isTrue();
        assertThat(Files.readSymbolicLink(file)).isEqualTo(Path.of("elsewhere.conf"));
        assertThat(Files.readString(file)).isEqualTo(ORIGINAL);
    }

    @Test
    void aFileSystemdResolvedManagesIsLeftAlone() throws IOException {
        Files.delete(file);
        Files.createSymbolicLink(file, Path.of("/run/systemd/resolve/stub-resolv.conf"));
        assertThat(start(true)).isNull();
        assertThat(Files.readSymbolicLink(file)).isEqualTo(Path.of("/run/systemd/resolve/stub-resolv.conf"));
        assertThat(Files.list(state)).isEmpty();
    }

    @Test
    void acceptDnsOffNeverTouchesTheFile() throws IOException {
        assertThat(start(false)).isNull();
        assertThat(Files.readString(file)).isEqualTo(ORIGINAL);
        assertThat(Files.list(state)).isEmpty();
    }
}
