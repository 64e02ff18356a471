package io.microlink.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.route.RoutePrefs;
import io.microlink.control.wire.MapResponse;
import io.microlink.dns.DnsClass;
import io.microlink.dns.DnsHeader;
import io.microlink.dns.DnsMessage;
import io.microlink.dns.DnsQuestion;
import io.microlink.dns.DnsType;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.udp.UdpDatagram;
import io.microlink.outbound.Dialer;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Quad-100 serves this host only: a peer's query to it is dropped even where the tailnet's
 * filter lets the peer reach everything, while the node's own sockets are answered.
 */
class DataplaneQuadHundredTest {
    private static final byte[] SELF = InetAddress.ofLiteral("100.64.0.1").getAddress();
    private static final byte[] PEER = InetAddress.ofLiteral("100.64.0.2").getAddress();
    private static final byte[] QUAD_100 = InetAddress.ofLiteral("100.100.100.100").getAddress();

    @Test
    void aPeersQueryNeverReachesTheResolverAndTheNodesOwnDoes() throws Exception {
        Netmap netmap = allowAll();
        try (Dataplane dp = new Dataplane(new Dataplane.Settings(0, null, null, Set.of(), null, 16, null, List.of(), RoutePrefs.NONE, List.of(), true, new io.microlink.netstack.relay.OsRelayTarget(), Dialer.direct(), null, null),
                () -> PrivateKey.generate(KeyKind.NODE), () -> netmap, (info, endpoints) -> {})) {
            dp.follow(NetmapUpdater.empty(), netmap);
            byte[] query = query();

            byte[] fromPeer = UdpDatagram.packet(new IpPacketBuilder(1), PEER, QUAD_100, 40000, 53, query, 0, query.length);
            dp.fromPeers.accept(fromPeer, 0, fromPeer.length);
            dp.fromPeers.endOfBatch();
            assertThat(dp.dns().queries()).as("a peer's query").isZero();

            dp.netstack().sendUdp(SELF, 40001, QUAD_100, 53, query, 0, query.length);
            assertThat(dp.dns().queries()).as("this node's own query").isEqualTo(1);
        }
    }

    private static byte[] query() {
        return new DnsMessage(DnsHeader.query(7), List.of(new DnsQuestion("peer.tailnet.test.", DnsType.A,
                DnsClass.IN)), List.of(), List.of(), List.of()).encode(512);
    }

    /** Self and one peer, and a filter that lets every source reach every port. */
    private static Netmap allowAll() throws Exception {
        String json = "{'Node':{'ID':1,'Name':'self.tailnet.test.','Addresses':['100.64.0.1/32']},"
                + "'Peers':[{'ID':2,'Name':'peer.tailnet.test.','Key':'"
                + PrivateKey.generate(KeyKind.NODE).publicKey() + "','Addresses':['100.64.0.2/32']}],"
                + "'PacketFilters':{'base':[{'SrcIPs':['*'],'DstPorts':[{'IP':'*','Ports':{'First':0,'Last':65535}}]}]},"
                + "'DNSConfig':{'Resolvers':[{'Addr':'127.0.0.1:9'}]}}";
        MapResponse m = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(json.replace('\'', '"'), MapResponse.class);
        return NetmapUpdater.apply(NetmapUpdater.empty(), m).netmap();
    }
}
