package io.microlink.tun;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.route.Prefix;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which rules and routes TUN mode installs to use an exit node, for which settings. */
class ExitRoutingTest {
    private static final List<Prefix> LAN = List.of(Prefix.parse("192.168.1.0/24").orElseThrow(),
            Prefix.parse("10.0.0.0/8").orElseThrow(), Prefix.parse("2001:db8:1::/64").orElseThrow());

    private static List<String> joined(List<List<String>> commands) {
        return commands.stream().map(c -> String.join(" ", c)).toList();
    }

    @Test
    void withoutLanAccessEverythingButTheNodesOwnSocketsGoesIntoTheDevice() {
        assertThat(joined(ExitRouting.install("tailscale0", false, new ExitRouting.Use(false, LAN)))).containsExactly(
                "ip -4 route replace default dev tailscale0 table 52",
                "ip -4 rule add priority 5210 fwmark 0x80000/0xff0000 table main",
                "ip -4 rule add priority 5230 fwmark 0x80000/0xff0000 table default",
                "ip -4 rule add priority 5250 fwmark 0x80000/0xff0000 unreachable",
                "ip -4 rule add priority 5270 table 52");
    }

    @Test
    void withLanAccessTheHostsNetworksOfEachFamilyAreThrownBackToTheMainTable() {
        ExitRouting.Use use = new ExitRouting.Use(true, LAN);
        assertThat(joined(ExitRouting.install("ml0", false, use))).containsSequence(
                "ip -4 route replace default dev ml0 table 52",
                "ip -4 route replace throw 192.168.1.0/24 table 52",
                "ip -4 route replace throw 10.0.0.0/8 table 52",
                "ip -4 rule add priority 5210 fwmark 0x80000/0xff0000 table main")
                .noneMatch(c -> c.contains("2001:db8"));
        assertThat(joined(ExitRouting.install("ml0", true, use))).containsSequence(
                "ip -6 route replace default dev ml0 table 52",
                "ip -6 route replace throw 2001:db8:1::/64 table 52",
                "ip -6 rule add priority 5210 fwmark 0x80000/0xff0000 table main")
                .noneMatch(c -> c.contains("192.168") || c.contains("-4"));
    }

    @Test
    void theRoutesComeBeforeTheRuleThatSendsTrafficToThem() {
        List<String> commands = joined(ExitRouting.install("ml0", false, new ExitRouting.Use(true, LAN)));
        assertThat(commands.getLast()).isEqualTo("ip -4 rule add priority 5270 table 52");
        assertThat(commands.indexOf("ip -4 route replace default dev ml0 table 52")).isZero();
    }

    @Test
    void removalTakesTheCatchAllRuleFirstThenTheTable() {
        assertThat(joined(ExitRouting.remove(true))).containsExactly(
                "ip -6 rule del priority 5270",
                "ip -6 rule del priority 5250",
                "ip -6 rule del priority 5230",
                "ip -6 rule del priority 5210",
                "ip -6 route flush table 52");
    }

    @Test
    void theLanListMattersOnlyWithLanAccess() {
        assertThat(new ExitRouting.Use(false, LAN)).isEqualTo(new ExitRouting.Use(false, List.of()));
        assertThat(new ExitRouting.Use(true, LAN)).isNotEqualTo(new ExitRouting.Use(true, List.of()));
    }

    @Test
    void theBypassMarkIsTheOneTheNodesSocketsCarry() throws Exception {
        var mark = Class.forName("io.microlink.uplink.BypassMark").getDeclaredField("MARK");
        mark.setAccessible(true);
        assertThat(ExitRouting.BYPASS).startsWith("0x" + Integer.toHexString(mark.getInt(null)) + "/");
    }
}
