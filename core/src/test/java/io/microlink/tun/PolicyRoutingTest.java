package io.microlink.tun;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.route.Prefix;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import org.junit.jupiter.api.Test;

/** Which rules and routes TUN mode puts in table 52 for which settings: an exit node, accepted subnet routes. */
class PolicyRoutingTest {
    private static final List<Prefix> LAN = prefixes("192.168.1.0/24", "10.0.0.0/8", "2001:db8:1::/64");
    private static final List<String> RULES_V4 = List.of(
            "ip -4 rule add priority 5210 fwmark 0x80000/0xff0000 table main",
            "ip -4 rule add priority 5230 fwmark 0x80000/0xff0000 table default",
            "ip -4 rule add priority 5250 fwmark 0x80000/0xff0000 unreachable",
            "ip -4 rule add priority 5270 table 52");

    private static List<Prefix> prefixes(String... texts) {
        return List.of(texts).stream().map(t -> Prefix.parse(t).orElseThrow()).toList();
    }

    private static List<String> joined(List<List<String>> commands) {
        return commands.stream().map(c -> String.join(" ", c)).toList();
    }

    /** The commands that fill one family's empty table for {@code use}. */
    private static List<String> install(String dev, boolean v6, PolicyRouting.Use use) {
        List<PolicyRouting.Route> family = PolicyRouting.routes(use).stream().filter(r -> r.v6() == v6).toList();
        return joined(PolicyRouting.changes(dev, v6, new LinkedHashSet<>(), family));
    }

    private static PolicyRouting.Use exit(boolean allowLan) {
        return new PolicyRouting.Use(true, allowLan, List.of(), LAN);
    }

    private static PolicyRouting.Use subnets(String... routes) {
        return new PolicyRouting.Use(false, false, prefixes(routes), LAN);
    }

    @Test
    void withoutLanAccessEverythingButTheNodesOwnSocketsGoesIntoTheDevice() {
        assertThat(install("tailscale0", false, exit(false))).containsExactly(
                "ip -4 route replace default dev tailscale0 table 52",
                RULES_V4.get(0), RULES_V4.get(1), RULES_V4.get(2), RULES_V4.get(3));
    }

    @Test
    void withLanAccessTheHostsNetworksOfEachFamilyAreThrownBackToTheMainTable() {
        assertThat(install("ml0", false, exit(true))).containsSequence(
                "ip -4 route replace default dev ml0 table 52",
                "ip -4 route replace throw 192.168.1.0/24 table 52",
                "ip -4 route replace throw 10.0.0.0/8 table 52",
                "ip -4 rule add priority 5210 fwmark 0x80000/0xff0000 table main")
                .noneMatch(c -> c.contains("2001:db8"));
        assertThat(install("ml0", true, exit(true))).containsSequence(
                "ip -6 route replace default dev ml0 table 52",
                "ip -6 route replace throw 2001:db8:1::/64 table 52",
                "ip -6 rule add priority 5210 fwmark 0x80000/0xff0000 table main")
                .noneMatch(c -> c.contains("192.168") || c.contains("-4"));
    }

    @Test
    void acceptedSubnetRoutesGoIntoTheDeviceWithTheSameBypassRules() {
        assertThat(install("ml0", false, subnets("198.18.78.0/24", "172.20.0.0/16"))).containsExactly(
                "ip -4 route replace 198.18.78.0/24 dev ml0 table 52",
                "ip -4 route replace 172.20.0.0/16 dev ml0 table 52",
                RULES_V4.get(0), RULES_V4.get(1), RULES_V4.get(2), RULES_V4.get(3));
        assertThat(install("ml0", true, subnets("2001:db8:77::/48"))).containsExactly(
                "ip -6 route replace 2001:db8:77::/48 dev ml0 table 52",
                "ip -6 rule add priority 5210 fwmark 0x80000/0xff0000 table main",
                "ip -6 rule add priority 5230 fwmark 0x80000/0xff0000 table default",
                "ip -6 rule add priority 5250 fwmark 0x80000/0xff0000 unreachable",
                "ip -6 rule add priority 5270 table 52");
    }

    @Test
    void theHostsOwnNetworksAndTheTailnetsRangesGetNoRouteIntoTheDevice() {
        // One of the host's networks, one inside another of them, the tailnet's ranges, a 4via6 route
        // (inside fd7a:115c:a1e0::/48, which the device's own route carries) and a default route.
        assertThat(PolicyRouting.routes(subnets("192.168.1.0/24", "10.9.0.0/16", "100.64.0.0/10", "100.100.5.0/24",
                "fd7a:115c:a1e0::/48", "fd7a:115c:a1e0:b1a:0:7:a4d:0/120", "0.0.0.0/0", "2001:db8:1::/64"))).isEmpty();
        assertThat(PolicyRouting.routes(PolicyRouting.Use.NONE)).isEmpty();
    }

    @Test
    void aHostNetworkInsideAnAcceptedRouteIsThrownBackSoItStaysOnTheHostsRoutes() {
        assertThat(PolicyRouting.routes(subnets("192.168.0.0/16"))).containsExactly(
                new PolicyRouting.Route(Prefix.parse("192.168.0.0/16").orElseThrow(), false),
                new PolicyRouting.Route(Prefix.parse("192.168.1.0/24").orElseThrow(), true));
        // The device's own tailnet address, as the host's interfaces list it, is no network to keep.
        PolicyRouting.Use wide = new PolicyRouting.Use(false, false, prefixes("64.0.0.0/2"),
                prefixes("100.64.0.7/32"));
        assertThat(PolicyRouting.routes(wide)).containsExactly(
                new PolicyRouting.Route(Prefix.parse("64.0.0.0/2").orElseThrow(), false));
    }

    @Test
    void changesGoRouteByRouteAndTheRulesStayWhileTheTableHasAnything() {
        SequencedSet<PolicyRouting.Route> now = new LinkedHashSet<>(PolicyRouting.routes(subnets("198.18.78.0/24")));
        List<PolicyRouting.Route> next = PolicyRouting.routes(subnets("198.18.79.0/24"));
        assertThat(joined(PolicyRouting.changes("ml0", false, now, next))).containsExactly(
                "ip -4 route replace 198.18.79.0/24 dev ml0 table 52",
                "ip -4 route del 198.18.78.0/24 dev ml0 table 52");
        // An exit node coming while a subnet route is in: the default route only.
        List<PolicyRouting.Route> withExit = PolicyRouting.routes(new PolicyRouting.Use(true, false,
                prefixes("198.18.78.0/24"), LAN)).stream().filter(r -> !r.v6()).toList();
        assertThat(joined(PolicyRouting.changes("ml0", false, now, withExit))).containsExactly(
                "ip -4 route replace default dev ml0 table 52");
    }

    @Test
    void theLanListMattersForTheExitNodeOnlyWithLanAccess() {
        assertThat(PolicyRouting.routes(exit(false))).noneMatch(PolicyRouting.Route::throwBack);
        assertThat(new PolicyRouting.Use(false, true, List.of(), LAN).allowLan()).isFalse();
    }

    @Test
    void removalTakesTheCatchAllRuleFirstThenTheTable() {
        assertThat(joined(PolicyRouting.remove(true))).containsExactly(
                "ip -6 rule del priority 5270",
                "ip -6 rule del priority 5250",
                "ip -6 rule del priority 5230",
                "ip -6 rule del priority 5210",
                "ip -6 route flush table 52");
    }

    @Test
    void theBypassMarkIsTheOneTheNodesSocketsCarry() throws Exception {
        var mark = Class.forName("io.microlink.uplink.BypassMark").getDeclaredField("MARK");
        mark.setAccessible(true);
        assertThat(PolicyRouting.BYPASS).startsWith("0x" + Integer.toHexString(mark.getInt(null)) + "/");
    }
}
