package io.microlink.wireguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigPermissionsTest {
    @TempDir
    Path dir;

    @Test
    void aConfigOthersCanReadGetsAWarningThatSaysHowToFixIt() throws Exception {
        Path conf = conf("rw-r--r--");
        assertThat(ConfigPermissions.warning(conf)).hasValueSatisfying(w ->
                assertThat(w).contains(conf.toString(), "world accessible", "chmod 600"));
    }

    @Test
    void aConfigItsGroupCanReadGetsAWarningToo() throws Exception {
        assertThat(ConfigPermissions.warning(conf("rw-r-----"))).hasValueSatisfying(w ->
                assertThat(w).contains("group accessible"));
    }

    @Test
    void anOwnerOnlyConfigGetsNone() throws Exception {
        assertThat(ConfigPermissions.warning(conf("rw-------"))).isEmpty();
    }

    private Path conf(String perms) throws Exception {
        Path p = Files.writeString(dir.resolve("wg0.conf"), "[Interface]\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        return p;
    }
}
