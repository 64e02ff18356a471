package io.microlink.interop.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.Microsocks;
import io.microlink.interop.NatTopology;
import io.microlink.interop.Stunnel;
import io.microlink.interop.Tinyproxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A company network where nothing gets out but a real proxy on the router, which forwards
 * nothing: Debian's tinyproxy (HTTP CONNECT) or microsocks (SOCKS5). The Java daemon logs in to
 * headscale and reaches its relay through the proxy, set by {@code HTTP_PROXY} or by
 * {@code --outbound-proxy}, with and without a password, or as an {@code https://} proxy (the
 * same tinyproxy behind stunnel, its certificate trusted through the JVM's trust store), and
 * talks to a real tailscaled on an
 * ordinary home network through DERP, both ways. A wrong password is one clear line in
 * {@code microlink up} and {@code status}, and no password is ever in the daemon's log.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OutboundProxyInteropTest {
    private static final String PASSWORD = "s3cret-proxy-pw";
    private static final String WRONG = "not-the-pw-xyz";
    private static final Duration PING_BUDGET = Duration.ofSeconds(10);
    private static final Duration SEE_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void behindAProxyOnlyTheJavaNodeLogsInAndTalksToTailscaledThroughDerp(@TempDir Path dir) {
        try (NatLab lab = new NatLab()) {
            NatTopology.Router corp = lab.net().router("corp", NatTopology.Nat.EASY);
            corp.setBlackhole(true); // the LAN reaches the router itself (its proxy) and nothing beyond
            NatTopology.Router home = lab.net().router("home", NatTopology.Nat.EASY);
            try (Tinyproxy open = Tinyproxy.start(dir, corp.namespace(), corp.lanGateway(), 8888, null, null);
                 Tinyproxy guarded = Tinyproxy.start(dir, corp.namespace(), corp.lanGateway(), 8889, "ann", PASSWORD);
                 Stunnel tls = Stunnel.start(dir, corp.namespace(), corp.lanGateway(), 8443, 8888)) {
                NatLab.Node ts = lab.tailscaled("tsh", home);
                ts.up();
                String guardedUrl = "http://ann:" + PASSWORD + "@" + corp.lanGateway() + ":8889";
                NatLab.Node byFlag = lab.java("mlflag", corp, Map.of(), "--outbound-proxy", open.url());
                NatLab.Node byEnv = lab.java("mlauth", corp, Map.of("HTTP_PROXY", guardedUrl));
                NatLab.Node byTls = lab.java("mltls", corp, Map.of("JAVA_TOOL_OPTIONS", tls.trustStoreOptions()),
                        "--outbound-proxy", tls.url());
                byFlag.up();
                byEnv.up();
                byTls.up();
                assertThat(open.connects()).as("the open proxy's log").anyMatch(c -> c.contains(lab.net().publicAddress()));
                assertThat(guarded.connects()).as("the guarded proxy's log").anyMatch(c -> c.contains(lab.net().publicAddress()));
                // stunnel's own readiness probe comes from the gateway; the node's connections from the LAN.
                assertThat(tls.clients()).as("stunnel's log").anyMatch(c -> !c.startsWith(corp.lanGateway() + ":"));
                talkThroughDerpOnly(ts, byFlag, byEnv, byTls);

                refusedInOneLine(lab.java("mlwrong", corp,
                        Map.of("HTTP_PROXY", "http://ann:" + WRONG + "@" + corp.lanGateway() + ":8889")),
                        "wants a valid user name and password (401 Unauthorized): check the ones in the proxy URL");
            }
        }
    }

    /**
     * The same through SOCKS5: {@code --outbound-proxy socks5h://} without a password and
     * {@code HTTP_PROXY=socks5://user:password@} with one (RFC 1929); a wrong password given
     * by {@code --outbound-proxy-file}.
     */
    @Test
    void behindASocks5ProxyOnlyTheJavaNodeLogsInAndTalksToTailscaledThroughDerp(@TempDir Path dir) throws IOException {
        try (NatLab lab = new NatLab()) {
            NatTopology.Router corp = lab.net().router("corp", NatTopology.Nat.EASY);
            corp.setBlackhole(true);
            NatTopology.Router home = lab.net().router("home", NatTopology.Nat.EASY);
            try (Microsocks open = Microsocks.start(dir, corp.namespace(), corp.lanGateway(), 1080, null, null);
                 Microsocks guarded = Microsocks.start(dir, corp.namespace(), corp.lanGateway(), 1081, "ann", PASSWORD)) {
                NatLab.Node ts = lab.tailscaled("tss", home);
                ts.up();
                String guardedUrl = "socks5://ann:" + PASSWORD + "@" + corp.lanGateway() + ":1081";
                NatLab.Node byFlag = lab.java("msflag", corp, Map.of(), "--outbound-proxy", open.url("socks5h"));
                NatLab.Node byEnv = lab.java("msauth", corp, Map.of("HTTP_PROXY", guardedUrl));
                byFlag.up();
                byEnv.up();
                assertThat(open.connects()).as("the open proxy's log").anyMatch(c -> c.contains(lab.net().publicAddress()));
                assertThat(guarded.connects()).as("the guarded proxy's log").anyMatch(c -> c.contains(lab.net().publicAddress()));
                talkThroughDerpOnly(ts, byFlag, byEnv);

                // This one's URL comes from an owner-only file: the password is not on its command line.
                Path proxyFile = dir.resolve("mswrong-proxy-url");
                Files.writeString(proxyFile, "socks5://ann:" + WRONG + "@" + corp.lanGateway() + ":1081\n");
                Files.setPosixFilePermissions(proxyFile, PosixFilePermissions.fromString("rw-------"));
                NatLab.Node byFile = lab.java("mswrong", corp, Map.of(), "--outbound-proxy-file", proxyFile.toString());
                refusedInOneLine(byFile, "the outbound proxy socks5://" + corp.lanGateway() + ":1081 (with credentials)"
                        + " refused the user name and password: check the ones in the proxy URL");
                assertThat(Files.readString(Path.of("/proc/" + ((NatLab.JavaNode) byFile).daemon().pid() + "/cmdline")))
                        .as("the daemon's command line").contains("--outbound-proxy-file").doesNotContain(WRONG);
            }
        }
    }

    /** Each Java node and the tailscaled ping each other, through DERP only; no password in the node's log. */
    private static void talkThroughDerpOnly(NatLab.Node ts, NatLab.Node... javas) {
        for (NatLab.Node java : javas) {
            Await.until(SEE_TIMEOUT, java + " and " + ts + " to see each other online",
                    () -> java.sees(ts) && ts.sees(java));
            NatLab.Probe out = java.probe(ts, PING_BUDGET);
            assertThat(out.answered()).as(java + " pings " + ts + ": " + out).isTrue();
            assertThat(out.direct()).as("no UDP gets out of the company network: " + out).isFalse();
            NatLab.Probe in = ts.probe(java, PING_BUDGET);
            assertThat(in.answered()).as(ts + " pings " + java + ": " + in).isTrue();
            assertThat(in.direct()).isFalse();
            assertThat(java.logTail()).doesNotContain(PASSWORD);
        }
    }

    /** {@code up} with a wrong proxy password fails with {@code expected}, which no output or log pairs with the password. */
    private static void refusedInOneLine(NatLab.Node node, String expected) {
        NatLab.JavaNode wrong = (NatLab.JavaNode) node;
        Exec.Result up = wrong.daemon().cli(wrong.upFlags(Duration.ofSeconds(10)));
        assertThat(up.succeeded()).isFalse();
        assertThat(up.stderr() + up.stdout()).contains(expected).doesNotContain(WRONG);
        assertThat(wrong.daemon().statusJson().path("detail").asText()).contains(expected)
                .doesNotContain(WRONG);
        assertThat(wrong.logTail()).doesNotContain(WRONG);
    }
}
