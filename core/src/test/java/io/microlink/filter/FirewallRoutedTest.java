package io.microlink.filter;

import static io.microlink.filter.Packets.PEER4;
import static io.microlink.filter.Packets.US4;
import static io.microlink.filter.Packets.icmp;
import static io.microlink.filter.Packets.tcp;
import static io.microlink.filter.Packets.udp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.control.wire.FilterRule;
import io.microlink.control.wire.FilterRule.NetPortRange;
import io.microlink.control.wire.FilterRule.PortRange;
import io.microlink.control.wire.Node;
import io.microlink.netstack.icmp.Icmp;
import io.microlink.netstack.tcp.TcpSegment;
import io.microlink.route.AdvertisedRoutes;
import io.microlink.route.ServedRoutes;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A subnet router's filter: packets to an advertised route count as local (as in tailscaled), and
 * the tailnet's rules apply to them by destination, as an ACL naming the subnet expects.
 */
class FirewallRoutedTest {
    private static final String SUBNET_HOST = "192.168.50.7";
    private static final FilterRule WEB_ON_SUBNET = new FilterRule(List.of(PEER4),
            List.of(new NetPortRange("192.168.50.0/24", new PortRange(80, 80))), null);
    private static final FilterRule ALL_OF_US = new FilterRule(List.of(PEER4),
            List.of(new NetPortRange(US4, new PortRange(0, 65535))), null);

    private final Firewall firewall = new Firewall();

    private Verdict in(byte[] packet) {
        return firewall.inbound(packet, 0, packet.length);
    }

    private static ServedRoutes served(String approved) throws Exception {
        return served(approved, "192.168.50.0/24");
    }

    private static ServedRoutes served(String approved, String advertised) throws Exception {
        Node self = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).readValue(
                ("{'ID':1,'Addresses':['" + US4 + "/32'],'AllowedIPs':['" + US4 + "/32'" + approved + "]}")
                        .replace('\'', '"'), Node.class);
        return ServedRoutes.of(AdvertisedRoutes.parse(List.of(advertised), false), Optional.of(self), List.of());
    }

    private void install(ServedRoutes served, FilterRule... rules) {
        firewall.install(PacketFilter.of(List.of(rules), List.of(US4 + "/32")).serving(served));
    }

    @Test
    void anApprovedSubnetIsFilteredByItsRulesLikeOurOwnAddress() throws Exception {
        install(served(",'192.168.50.0/24'"), WEB_ON_SUBNET);
        assertThat(in(tcp(PEER4, SUBNET_HOST, 40000, 80, TcpSegment.SYN))).isEqualTo(Verdict.PORT_ALLOWED);
        assertThat(in(tcp(PEER4, SUBNET_HOST, 40000, 22, TcpSegment.SYN))).isEqualTo(Verdict.NO_RULE);
        assertThat(in(udp(PEER4, SUBNET_HOST, 40000, 53))).isEqualTo(Verdict.NO_RULE);
        assertThat(in(icmp(PEER4, SUBNET_HOST, Icmp.V4_ECHO_REQUEST, 0))).isEqualTo(Verdict.ICMP_ALLOWED);
        assertThat(in(tcp(PEER4, "192.168.51.7", 40000, 80, TcpSegment.SYN))).isEqualTo(Verdict.NOT_LOCAL);
    }

    @Test
    void aRuleOpeningOurOwnAddressDoesNotOpenTheSubnet() throws Exception {
        install(served(",'192.168.50.0/24'"), ALL_OF_US);
        assertThat(in(tcp(PEER4, US4, 40000, 80, TcpSegment.SYN))).isEqualTo(Verdict.PORT_ALLOWED);
        assertThat(in(tcp(PEER4, SUBNET_HOST, 40000, 80, TcpSegment.SYN))).isEqualTo(Verdict.NO_RULE);
        assertThat(in(icmp(PEER4, SUBNET_HOST, Icmp.V4_ECHO_REQUEST, 0))).isEqualTo(Verdict.NO_RULE);
    }

    @Test
    void aSubnetThisNodeDoesNotAdvertiseIsNotForUsWhateverControlLists() throws Exception {
        install(served(",'192.168.50.0/24'", "10.9.0.0/16"), WEB_ON_SUBNET);
        assertThat(in(tcp(PEER4, SUBNET_HOST, 40000, 80, TcpSegment.SYN))).isEqualTo(Verdict.NOT_LOCAL);
    }
}
