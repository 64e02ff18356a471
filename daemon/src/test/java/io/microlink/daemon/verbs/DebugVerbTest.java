package io.microlink.daemon.verbs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code microlink debug via}, beside what {@code tailscale debug via} (v1.102.3, the cached
 * reference binary) printed for the same arguments; no daemon is asked.
 */
class DebugVerbTest {
    @TempDir
    Path tmp;

    private CliRun cli;

    @BeforeEach
    void freshCli() {
        cli = new CliRun(tmp);
    }

    @Test
    void aSiteAndAnIpv4PrefixPrintTheViaRouteAndBack() {
        assertThat(cli.run("debug", "via", "7", "10.1.1.0/24")).isZero();
        assertThat(cli.out()).isEqualTo("fd7a:115c:a1e0:b1a:0:7:a01:100/120\n");
        assertThat(cli.run("debug", "via", "0xff", "172.16.0.0/12")).isZero();
        assertThat(cli.out()).isEqualTo("fd7a:115c:a1e0:b1a:0:ff:ac10:0/108\n");
        assertThat(cli.run("debug", "via", "fd7a:115c:a1e0:b1a:0:7:a4d:0/120")).isZero();
        assertThat(cli.out()).isEqualTo("site 7 (0x7), 10.77.0.0/24\n");
        assertThat(cli.run("debug", "via", "fd7a:115c:a1e0:b1a:0:ffff:a00:5/128")).isZero();
        assertThat(cli.out()).isEqualTo("site 65535 (0xffff), 10.0.0.5/32\n");
    }

    @Test
    void mistakesGetOneLineSayingWhatIsWrong() {
        assertThat(cli.run("debug", "via", "65536", "10.0.0.0/8")).isEqualTo(2);
        assertThat(cli.err()).contains("reserved").doesNotContain("Exception");
        assertThat(cli.run("debug", "via", "seven", "10.0.0.0/8")).isEqualTo(2);
        assertThat(cli.err()).contains("invalid site ID \"seven\"");
        assertThat(cli.run("debug", "via", "fd7a:115c:a1e0:b1a:0:7:a4d:0/95")).isEqualTo(2);
        assertThat(cli.err()).contains("/96 or longer");
        assertThat(cli.run("debug", "via", "fd7a:115c:a1e0:b1b::/120")).isEqualTo(2);
        assertThat(cli.err()).contains("not a via route");
        assertThat(cli.run("debug")).isEqualTo(2);
        assertThat(cli.err()).contains("debug via");
    }
}
