package io.microlink.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.control.wire.Node;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which destinations a subnet router or exit node relays: what it advertises, as tailscaled's
 * filter does (control's approval steers the peers, and headscale does not tell the router), and
 * what status calls approved, from the self node as headscale writes it.
 */
class ServedRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final List<Prefix> HOST_LAN = List.of(Prefix.parse("203.0.113.0/24").orElseThrow());

    private static Optional<Node> self(String allowedIps, String primaryRoutes) {
        String json = "{'ID':1,'Addresses':['100.64.0.1/32'],'AllowedIPs':['100.64.0.1/32'" + allowedIps
                + "],'PrimaryRoutes':[" + primaryRoutes + "]}";
        try {
            return Optional.of(JSON.readValue(json.replace('\'', '"'), Node.class));
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }

    private static boolean serves(ServedRoutes s, String ip) {
        return s.serves(InetAddress.ofLiteral(ip).getAddress());
    }

    private static List<Prefix> advertise(boolean exit, String... routes) {
        return AdvertisedRoutes.parse(List.of(routes), exit);
    }

    @Test
    void advertisedSubnetsAreServedAndStatusSaysWhichTheSelfNodeListsAsApproved() {
        List<Prefix> advertised = advertise(false, "192.168.50.0/24", "10.9.0.0/16");
        ServedRoutes s = ServedRoutes.of(advertised, self(",'192.168.50.0/24'", "'192.168.50.0/24'"), HOST_LAN);
        assertThat(serves(s, "192.168.50.7")).isTrue();
        assertThat(serves(s, "10.9.0.1")).as("advertised, approval not heard of yet").isTrue();
        assertThat(serves(s, "192.168.51.7")).isFalse();
        assertThat(s.approved()).extracting(Prefix::toString).containsExactly("192.168.50.0/24");
        assertThat(ServedRoutes.of(advertised, Optional.empty(), HOST_LAN).any()).as("no netmap yet").isFalse();
        assertThat(ServedRoutes.of(List.of(), self("", ""), HOST_LAN).any()).as("nothing advertised").isFalse();
    }

    @Test
    void aViaRouteServesItsOwnSiteAndOnlyHostsTailscaledLetsAViaRouterReach() {
        ServedRoutes s = ServedRoutes.of(advertise(false, "fd7a:115c:a1e0:b1a:0:7:a4d:0/120",
                "fd7a:115c:a1e0:b1a:0:7:7f00:0/104", "fd7a:115c:a1e0:b1a:0:7:6440:0/106"), self("", ""), HOST_LAN);
        assertThat(serves(s, "fd7a:115c:a1e0:b1a:0:7:a4d:5")).as("10.77.0.5 on site 7").isTrue();
        assertThat(serves(s, "fd7a:115c:a1e0:b1a:0:8:a4d:5")).as("the same host on site 8").isFalse();
        assertThat(serves(s, "10.77.0.5")).as("the IPv4 address itself is no route").isFalse();
        // Advertised, yet behind them are the router's loopback and tailnet addresses.
        assertThat(serves(s, "fd7a:115c:a1e0:b1a:0:7:7f00:1")).as("127.0.0.1").isFalse();
        assertThat(serves(s, "fd7a:115c:a1e0:b1a:0:7:6440:1")).as("100.64.0.1").isFalse();
        ServedRoutes exit = ServedRoutes.of(advertise(true), self("", ""), HOST_LAN);
        assertThat(serves(exit, "fd7a:115c:a1e0:b1a:0:7:a4d:5")).as("an exit node carries no via traffic").isFalse();
    }

    @Test
    void whatControlApprovesButThisNodeNoLongerAdvertisesIsNotServed() {
        ServedRoutes s = ServedRoutes.of(advertise(false, "10.9.0.0/16"), self(",'192.168.50.0/24'", ""), HOST_LAN);
        assertThat(serves(s, "192.168.50.7")).isFalse();
        assertThat(s.approved()).isEmpty();
    }

    @Test
    void anExitNodeServesTheInternetButNotPrivateTailnetLinkLocalOrTheHostsOwnNetworks() {
        ServedRoutes s = ServedRoutes.of(advertise(true), self(",'0.0.0.0/0','::/0'", ""), HOST_LAN);
        assertThat(s.exit()).isTrue();
        assertThat(serves(s, "198.51.100.20")).isTrue();
        assertThat(serves(s, "2001:db8::20")).isTrue();
        for (String refused : List.of("192.168.1.1", "172.16.0.1", "10.1.2.3", "100.64.0.2", "100.100.100.100",
                "169.254.169.254", "224.0.0.1", "fe80::1", "ff02::1", "fd7a:115c:a1e0::2", "203.0.113.9",
                "127.0.0.1", "::1", "0.0.0.0", "fd00:ec2::254", "fd12:3456::1", "fec0::1")) {
            assertThat(serves(s, refused)).as(refused).isFalse();
        }
        assertThat(s.approved()).extracting(Prefix::toString).containsExactly("0.0.0.0/0", "::/0");
    }

    @Test
    void anExitNodeWithAnApprovedPrivateSubnetServesThatSubnetButLoopbackNever() {
        ServedRoutes s = ServedRoutes.of(advertise(true, "10.1.0.0/16", "127.0.0.0/8"),
                self(",'0.0.0.0/0','::/0','10.1.0.0/16','127.0.0.0/8'", ""), HOST_LAN);
        assertThat(serves(s, "10.1.2.3")).isTrue();
        assertThat(serves(s, "10.2.2.3")).isFalse();
        assertThat(serves(s, "127.0.0.1")).as("even advertised and approved").isFalse();
    }

    @Test
    void withoutTheExitRoutesNothingOutsideTheSubnetsIsServed() {
        ServedRoutes s = ServedRoutes.of(advertise(false, "10.1.0.0/16"), self(",'0.0.0.0/0','::/0'", ""), HOST_LAN);
        assertThat(s.exit()).isFalse();
        assertThat(serves(s, "198.51.100.20")).isFalse();
        assertThat(s.approved()).isEmpty();
    }
}
