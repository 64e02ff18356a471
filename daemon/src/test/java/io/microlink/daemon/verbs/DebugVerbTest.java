package io.microlink.daemon.verbs;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.daemon.cli.Cli;
import io.microlink.daemon.cli.Io;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code microlink debug via}, beside what {@code tailscale debug via} (v1.102.3, the cached
 * reference binary) printed for the same arguments; no daemon is asked.
 */
class DebugVerbTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("MICROLINK_STATE_DIR", tmp.toString()));
        return new Cli(Verbs.all()).run(args, io);
    }

    @Test
    void aSiteAndAnIpv4PrefixPrintTheViaRouteAndBack() {
        assertThat(run("debug", "via", "7", "10.1.1.0/24")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("fd7a:115c:a1e0:b1a:0:7:a01:100/120\n");
        assertThat(run("debug", "via", "0xff", "172.16.0.0/12")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("fd7a:115c:a1e0:b1a:0:ff:ac10:0/108\n");
        assertThat(run("debug", "via", "fd7a:115c:a1e0:b1a:0:7:a4d:0/120")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("site 7 (0x7), 10.77.0.0/24\n");
        assertThat(run("debug", "via", "fd7a:115c:a1e0:b1a:0:ffff:a00:5/128")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("site 65535 (0xffff), 10.0.0.5/32\n");
    }

    @Test
    void mistakesGetOneLineSayingWhatIsWrong() {
        assertThat(run("debug", "via", "65536", "10.0.0.0/8")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("reserved").doesNotContain("Exception");
        assertThat(run("debug", "via", "seven", "10.0.0.0/8")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("invalid site ID \"seven\"");
        assertThat(run("debug", "via", "fd7a:115c:a1e0:b1a:0:7:a4d:0/95")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("/96 or longer");
        assertThat(run("debug", "via", "fd7a:115c:a1e0:b1b::/120")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a via route");
        assertThat(run("debug")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("debug via");
    }
}
