package io.microlink.interop.tun;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.interop.Exec;
import io.microlink.route.Prefix;
import io.microlink.tun.KernelForwarding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TUN mode's forwarding rules against the real kernel's netfilter, in the test JVM's own
 * loopback-only namespace (as root): what is installed, that a run killed before it could remove
 * its rules leaves no second copy behind the next, and that closing removes everything.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class KernelForwardingRulesTest {
    private static final String DEV = "mltun-fwd";
    private static final String FWD = "ml-fwd-" + DEV;
    private static final String NAT = "ml-nat-" + DEV;
    private static final List<Prefix> BOTH = List.of(Prefix.parse("10.61.0.0/24").orElseThrow(),
            Prefix.parse("fd61::/64").orElseThrow());
    private final List<KernelForwarding> opened = new ArrayList<>();

    @AfterEach
    void removeWhateverIsLeft() {
        opened.forEach(KernelForwarding::close);
    }

    private KernelForwarding enable(boolean masquerade, List<Prefix> routes) {
        KernelForwarding f = KernelForwarding.enable(DEV, masquerade, routes);
        opened.add(f);
        return f;
    }

    @Test
    void withMasqueradeBothFamiliesMarkAcceptAndMasqueradeAndCloseRemovesAll() {
        try (KernelForwarding f = enable(true, BOTH)) {
            for (String tool : List.of("iptables", "ip6tables")) {
                assertThat(rules(tool, "filter", FWD)).contains(
                        "-A " + FWD + " -i " + DEV + " -j MARK --set-xmark 0x40000/0xff0000",
                        "-A " + FWD + " -i " + DEV + " -j ACCEPT",
                        "-A " + FWD + " -o " + DEV + " -j ACCEPT");
                assertThat(rules(tool, "filter", "FORWARD").get(1)).as("first in FORWARD").isEqualTo(
                        "-A FORWARD -j " + FWD);
                assertThat(rules(tool, "nat", NAT)).contains(
                        "-A " + NAT + " -m mark --mark 0x40000/0xff0000 -j MASQUERADE");
                assertThat(rules(tool, "nat", "POSTROUTING")).contains("-A POSTROUTING -j " + NAT);
            }
            assertThat(rules("iptables", "filter", FWD)).as("no LAN host poses as a tailnet address")
                    .contains("-A " + FWD + " -s 100.64.0.0/10 -o " + DEV + " -j DROP");
        }
        for (String tool : List.of("iptables", "ip6tables")) {
            assertThat(all(tool, "filter")).doesNotContain(FWD);
            assertThat(all(tool, "nat")).doesNotContain(NAT);
        }
    }

    @Test
    void aRunKilledWithItsRulesInPlaceLeavesNoSecondCopyAndWithoutMasqueradeNoNatRule() {
        enable(true, BOTH); // never closed: as a kill -9 leaves it
        try (KernelForwarding f = enable(false, List.of(Prefix.parse("10.61.0.0/24").orElseThrow()))) {
            assertThat(rules("iptables", "filter", "FORWARD")).containsOnlyOnce("-A FORWARD -j " + FWD);
            assertThat(rules("iptables", "filter", FWD)).noneMatch(r -> r.contains("MARK"));
            assertThat(all("iptables", "nat")).as("masquerade off: the old run's nat rule is gone too")
                    .doesNotContain(NAT);
            assertThat(all("ip6tables", "filter")).as("no IPv6 route, no IPv6 rules").doesNotContain(FWD);
        }
        assertThat(all("iptables", "filter")).doesNotContain(FWD);
    }

    @Test
    void aNodeWithoutRoutesClearsWhatAKilledRunWithRoutesLeft() {
        enable(true, BOTH); // never closed
        enable(true, List.of());
        for (String tool : List.of("iptables", "ip6tables")) {
            assertThat(all(tool, "filter")).doesNotContain(FWD);
            assertThat(all(tool, "nat")).doesNotContain(NAT);
        }
    }

    private static List<String> rules(String tool, String table, String chain) {
        return Exec.run(Duration.ofSeconds(10), List.of(tool, "-w", "5", "-t", table, "-S", chain)).requireSuccess()
                .stdout().lines().toList();
    }

    private static String all(String tool, String table) {
        return Exec.run(Duration.ofSeconds(10), List.of(tool, "-w", "5", "-t", table, "-S")).requireSuccess().stdout();
    }
}
