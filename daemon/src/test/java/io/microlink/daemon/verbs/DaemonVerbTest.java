package io.microlink.daemon.verbs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code microlink daemon --outbound-proxy-file}: the proxy URL (and its password) from a file
 * instead of the command line, which every local user can read; refused before the daemon
 * starts when the file is open to others, and no message shows the password.
 */
class DaemonVerbTest {
    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    Path tmp;

    private CliRun cli;

    @BeforeEach
    void freshCli() {
        cli = new CliRun(tmp);
    }

    private Path proxyFile(String url, String mode) throws Exception {
        Path f = Files.writeString(tmp.resolve("proxy-url"), url + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void aProxyFileOthersCanReadIsRefusedBeforeTheDaemonStarts() throws Exception {
        Path f = proxyFile("http://ann:" + PASSWORD + "@proxy.corp:3128", "rw-r--r--");
        assertThat(cli.run("daemon", "--outbound-proxy-file", f.toString())).isEqualTo(1);
        assertThat(cli.err()).isEqualTo("microlink daemon: the outbound proxy file " + f + " can be read or written by other"
                + " users (mode rw-r--r--); it holds a secret: make it owner-only with chmod 600 " + f + "\n");
        assertThat(Files.exists(tmp.resolve("microlink.sock"))).as("no daemon started").isFalse();
    }

    @Test
    void aBadUrlInTheFileIsNamedByTheFileWithoutThePassword() throws Exception {
        Path f = proxyFile("ftp://ann:" + PASSWORD + "@proxy.corp:21", "rw-------");
        assertThat(cli.run("daemon", "--outbound-proxy-file", f.toString())).isEqualTo(2);
        assertThat(cli.err()).startsWith("microlink daemon: --outbound-proxy-file " + f + ": outbound proxy ftp://***@proxy.corp:21")
                .doesNotContain(PASSWORD);
    }

    @Test
    void theFlagAndTheFileTogetherAreAUsageError() throws Exception {
        Path f = proxyFile("http://proxy.corp:3128", "rw-------");
        assertThat(cli.run("daemon", "--outbound-proxy", "direct", "--outbound-proxy-file", f.toString())).isEqualTo(2);
        assertThat(cli.err()).startsWith("microlink daemon: give --outbound-proxy or --outbound-proxy-file, not both");
    }
}
