package io.microlink.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.control.wire.MapResponse;
import io.microlink.control.wire.Node;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Route choices from netmaps as headscale writes them: a subnet router, an exit node, a plain peer. */
class RouteTableTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final String KEY = "nodekey:" + "ab".repeat(32);

    /** router (10.77.0.0/24 and a narrower 10.77.0.128/25 on exit), exit (0/0, ::/0), plain. */
    private final Netmap netmap = netmap(
            peer(2, "router", "'10.77.0.0/24'"),
            peer(3, "exit", "'0.0.0.0/0','::/0','10.77.0.128/25'"),
            peer(4, "plain", ""));

    @Test
    void acceptedSubnetRoutesGoToTheirRouterAndTheMostSpecificWins() {
        RouteTable table = RouteTable.of(netmap, new RoutePrefs(true, null, false, List.of()), n -> true);
        assertThat(via(table, "10.77.0.5")).isEqualTo("router");
        assertThat(via(table, "10.77.0.200")).isEqualTo("exit");
        assertThat(via(table, "100.64.0.4")).isEqualTo("plain");
        assertThat(table.allowedIps(node(2))).containsExactly("100.64.0.2/32", "10.77.0.0/24");
        assertThat(table.allowedIps(node(3))).as("no default route: exit is not the exit node")
                .containsExactly("100.64.0.3/32", "10.77.0.128/25");
    }

    @Test
    void theAcceptedSubnetRoutesAreThePeersRoutesBeyondTheirAddressesAndTheDefaultRoutes() {
        RouteTable table = RouteTable.of(netmap, new RoutePrefs(true, "exit", false, List.of()), n -> true);
        assertThat(table.acceptedSubnetRoutes()).extracting(Prefix::toString)
                .containsExactly("10.77.0.0/24", "10.77.0.128/25");
        assertThat(RouteTable.of(netmap, new RoutePrefs(true, null, false, List.of()), n -> n.id() != 2)
                .acceptedSubnetRoutes()).as("a peer whose key expired carries nothing")
                .extracting(Prefix::toString).containsExactly("10.77.0.128/25");
        assertThat(RouteTable.of(netmap, new RoutePrefs(false, "exit", false, List.of()), n -> true)
                .acceptedSubnetRoutes()).isEmpty();
    }

    @Test
    void withoutAcceptRoutesASubnetAddressIsRefusedNamingTheRoute() {
        RouteTable table = RouteTable.of(netmap, RoutePrefs.NONE, n -> true);
        assertThat(table.route(ip("10.77.0.5"))).isEqualTo(new RouteTable.Refused(
                "10.77.0.5 is in subnet route 10.77.0.0/24 of router, but this node does not accept routes"
                        + " (turn on accept-routes)"));
        assertThat(table.allowedIps(node(2))).containsExactly("100.64.0.2/32");
        assertThat(table.route(ip("198.51.100.1"))).isInstanceOf(RouteTable.Refused.class);
    }

    @Test
    void theExitNodeCarriesEverythingOutsideTheTailnetButNotTheTailnetItself() {
        RouteTable table = RouteTable.of(netmap, new RoutePrefs(false, "exit", false, List.of()), n -> true);
        assertThat(table.exitNode().map(Node::id)).contains(3L);
        assertThat(via(table, "198.51.100.1")).isEqualTo("exit");
        assertThat(via(table, "2001:db8::1")).isEqualTo("exit");
        assertThat(table.route(ip("100.64.0.99"))).isEqualTo(new RouteTable.Refused(
                "100.64.0.99 is not the address of any peer in the tailnet"));
        assertThat(table.route(ip("100.64.0.1"))).isEqualTo(new RouteTable.Refused(
                "100.64.0.1 is this node's own address, which no peer carries back"));
        assertThat(table.allowedIps(node(3))).containsExactly("100.64.0.3/32", "0.0.0.0/0", "::/0");
    }

    @Test
    void aPeerThatIsNoExitNodeIsRefusedWithOneClearLine() {
        RouteTable table = RouteTable.of(netmap, new RoutePrefs(false, "plain", false, List.of()), n -> true);
        assertThat(table.exitNode()).isEmpty();
        assertThat(table.exitNodeProblem()).contains("exit node plain is not an exit node: it offers no approved"
                + " 0.0.0.0/0 and ::/0 routes (tailscale up --advertise-exit-node there, then approve them)");
        assertThat(((RouteTable.Refused) table.route(ip("198.51.100.1"))).reason())
                .startsWith("198.51.100.1 is outside the tailnet, and exit node plain is not an exit node");
        assertThat(RouteTable.of(netmap, new RoutePrefs(false, "nobody", false, List.of()), n -> true)
                .exitNodeProblem()).contains("exit node nobody is not a peer in the tailnet");
    }

    @Test
    void lanAccessKeepsTheHostsOwnNetworksOffTheExitNode() {
        List<Prefix> lan = List.of(Prefix.parse("192.168.1.0/24").orElseThrow());
        RouteTable allowed = RouteTable.of(netmap, new RoutePrefs(false, "exit", true, lan), n -> true);
        assertThat(allowed.route(ip("192.168.1.7"))).isEqualTo(new RouteTable.Lan());
        assertThat(via(allowed, "192.168.2.7")).isEqualTo("exit");
        RouteTable notAllowed = RouteTable.of(netmap, new RoutePrefs(false, "exit", false, lan), n -> true);
        assertThat(via(notAllowed, "192.168.1.7")).isEqualTo("exit");
    }

    @Test
    void anExpiredPeerRoutesNothing() {
        RouteTable table = RouteTable.of(netmap, new RoutePrefs(true, "exit", false, List.of()), n -> n.id() != 3);
        assertThat(table.exitNodeProblem()).contains("exit node exit cannot be used now: its node key has expired");
        assertThat(via(table, "10.77.0.200")).isEqualTo("router");
    }

    @Test
    void subnetRoutesAreTheApprovedOnesBeyondThePeersOwnAddresses() {
        assertThat(RouteTable.subnetRoutes(node(3))).containsExactly("10.77.0.128/25");
        assertThat(RouteTable.offersExit(node(3))).isTrue();
        assertThat(RouteTable.offersExit(node(2))).isFalse();
    }

    private Node node(long id) {
        return netmap.peers().stream().filter(n -> n.id() == id).findFirst().orElseThrow();
    }

    private static String via(RouteTable table, String destination) {
        RouteTable.Route r = table.route(ip(destination));
        assertThat(r).isInstanceOf(RouteTable.Via.class);
        return ((RouteTable.Via) r).peer().name().split("\\.")[0];
    }

    private static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    private static String peer(int id, String name, String routes) {
        return "{'ID':" + id + ",'Name':'" + name + ".tailnet.test.','Key':'" + KEY.substring(0, KEY.length() - 1) + id
                + "','Addresses':['100.64.0." + id + "/32'],'AllowedIPs':['100.64.0." + id + "/32'"
                + (routes.isEmpty() ? "" : "," + routes) + "]}";
    }

    private static Netmap netmap(String... peers) {
        String json = "{'Node':{'ID':1,'Name':'self.tailnet.test.','Addresses':['100.64.0.1/32']},"
                + "'Peers':[" + String.join(",", peers) + "]}";
        try {
            return NetmapUpdater.apply(NetmapUpdater.empty(), JSON.readValue(json.replace('\'', '"'),
                    MapResponse.class)).netmap();
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }
}
