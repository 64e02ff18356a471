package io.microlink.interop.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.interop.Await;
import io.microlink.interop.Exec;
import io.microlink.interop.Microsocks;
import io.microlink.interop.NatTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * As {@link OutboundProxyInteropTest}, with a real SOCKS5 proxy (Debian's microsocks on the
 * router, which forwards nothing): the Java daemon logs in to headscale and reaches its relay
 * through SOCKS5 {@code CONNECT}, by {@code --outbound-proxy socks5h://} without a password and
 * by {@code HTTP_PROXY=socks5://user:password@} with one (RFC 1929), and talks to a real
 * tailscaled on a home network through DERP, both ways. A wrong password is one clear line in
 * {@code microlink up} and {@code status}, and no password is ever in the daemon's log.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class Socks5OutboundProxyInteropTest {
    private static final String PASSWORD = "s0cks-proxy-pw";
    private static final String WRONG = "not-the-socks-pw";
    private static final Duration PING_BUDGET = Duration.ofSeconds(10);
    private static final Duration SEE_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void behindASocks5ProxyOnlyTheJavaNodeLogsInAndTalksToTailscaledThroughDerp(@TempDir Path dir) {
        try (NatLab lab = new NatLab()) {
            NatTopology.Router corp = lab.net().router("corp", NatTopology.Nat.EASY);
            corp.setBlackhole(true); // the LAN reaches the router itself (its proxy) and nothing beyond
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

                for (NatLab.Node java : new NatLab.Node[] {byFlag, byEnv}) {
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

                NatLab.JavaNode wrong = (NatLab.JavaNode) lab.java("mswrong", corp,
                        Map.of("HTTP_PROXY", "socks5://ann:" + WRONG + "@" + corp.lanGateway() + ":1081"));
                Exec.Result up = wrong.daemon().cli(wrong.upFlags(Duration.ofSeconds(10)));
                assertThat(up.succeeded()).isFalse();
                String expected = "the outbound proxy socks5://" + corp.lanGateway() + ":1081 (with credentials)"
                        + " refused the user name and password: check the ones in the proxy URL";
                assertThat(up.stderr() + up.stdout()).contains(expected).doesNotContain(WRONG);
                assertThat(wrong.daemon().statusJson().path("detail").asText()).contains(expected)
                        .doesNotContain(WRONG);
                assertThat(wrong.logTail()).doesNotContain(WRONG);
            }
        }
    }
}
