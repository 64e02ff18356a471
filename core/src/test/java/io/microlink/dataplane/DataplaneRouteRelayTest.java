package io.microlink.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microlink.control.wire.MapResponse;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.netmap.Netmap;
import io.microlink.netmap.NetmapUpdater;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.relay.RelayTarget;
import io.microlink.netstack.socket.StreamConnection;
import io.microlink.netstack.udp.UdpDatagram;
import io.microlink.outbound.Dialer;
import io.microlink.route.AdvertisedRoutes;
import io.microlink.route.Prefix;
import io.microlink.route.RoutePrefs;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The subnet router and exit node in userspace mode, packet by packet through the dataplane,
 * with a relay target that reaches no real host: what a peer's relayed flows do when the peer
 * leaves the netmap, and what the exit route serves when the host's networks change.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DataplaneRouteRelayTest {
    private static final byte[] PEER = InetAddress.ofLiteral("100.64.0.2").getAddress();
    private static final byte[] PEER6 = InetAddress.ofLiteral("fd7a:115c:a1e0::2").getAddress();
    private static final long PEER_ID = 2;

    /** Records the flows the relay opens and closes; sends go nowhere. */
    private static final class NoHost implements RelayTarget {
        final List<InetSocketAddress> opened = new CopyOnWriteArrayList<>();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public StreamConnection dial(InetSocketAddress to, Duration timeout) throws IOException {
            throw new ConnectException("no host in this test");
        }

        @Override
        public Datagrams openUdp(InetSocketAddress to, Consumer<byte[]> replies) {
            opened.add(to);
            return new Datagrams() {
                @Override
                public void send(byte[] payload) {}

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        }

        @Override
        public boolean ping(InetAddress to, Duration timeout) {
            return false;
        }
    }

    private final NoHost far = new NoHost();
    private volatile List<Prefix> hostNetworks = List.of();

    private Dataplane dataplane(String advertised, Netmap netmap) {
        List<Prefix> routes = AdvertisedRoutes.parse(List.of(advertised.split(",")), false);
        return new Dataplane(new Dataplane.Settings(0, null, null, Set.of(), null, 16, null, List.of(), RoutePrefs.NONE,
                routes, true, far, Dialer.direct(), null, null), () -> PrivateKey.generate(KeyKind.NODE), () -> netmap,
                (info, endpoints) -> {}, () -> hostNetworks);
    }

    private static void udpFromPeer(Dataplane dp, String destination) {
        udpFromPeer(dp, PEER, destination);
    }

    private static void udpFromPeer(Dataplane dp, byte[] source, String destination) {
        byte[] data = {1};
        byte[] p = UdpDatagram.packet(new IpPacketBuilder(1), source, InetAddress.ofLiteral(destination).getAddress(),
                40000, 7, data, 0, data.length);
        dp.fromPeers.accept(p, 0, p.length);
        dp.fromPeers.endOfBatch();
    }

    @Test
    void aPeerThatLeavesTheNetmapLosesItsRelayedFlowsAtOnce() throws Exception {
        Netmap withPeer = netmap(true);
        try (Dataplane dp = dataplane("192.168.50.0/24", withPeer)) {
            dp.follow(NetmapUpdater.empty(), withPeer);
            udpFromPeer(dp, "192.168.50.7");
            assertThat(far.opened).containsExactly(new InetSocketAddress("192.168.50.7", 7));
            assertThat(dp.routeRelay().relayed(PEER_ID)).isEqualTo(1);

            dp.follow(withPeer, netmap(false));
            assertThat(dp.routeRelay().relayed(PEER_ID)).isZero();
            assertThat(far.closed).hasValue(1);
        }
    }

    @Test
    void aViaAddressOfThisSiteIsRelayedToItsIpv4HostAndNoOtherSitesIs() throws Exception {
        Netmap netmap = netmap(true);
        try (Dataplane dp = dataplane("fd7a:115c:a1e0:b1a:0:7:a4d:0/120", netmap)) {
            dp.follow(NetmapUpdater.empty(), netmap);
            udpFromPeer(dp, PEER6, "fd7a:115c:a1e0:b1a:0:8:a4d:6"); // site 8: another router's
            udpFromPeer(dp, PEER6, "fd7a:115c:a1e0:b1a:0:7:a4d:5");
            assertThat(far.opened).containsExactly(new InetSocketAddress("10.77.0.5", 7));
            assertThat(dp.routeRelay().relayed(PEER_ID)).isEqualTo(1);
        }
    }

    @Test
    void theExitRouteLeavesOutTheHostsNetworksAsTheyAreAfterAChange() throws Exception {
        hostNetworks = List.of(Prefix.parse("203.0.113.0/24").orElseThrow());
        Netmap netmap = netmap(true);
        try (Dataplane dp = dataplane("0.0.0.0/0,::/0", netmap)) {
            dp.follow(NetmapUpdater.empty(), netmap);
            udpFromPeer(dp, "203.0.113.5"); // the host's own network: not served
            udpFromPeer(dp, "198.51.100.5");
            assertThat(far.opened).containsExactly(new InetSocketAddress("198.51.100.5", 7));

            hostNetworks = List.of(Prefix.parse("198.51.100.0/24").orElseThrow()); // the host moved to another network
            dp.hostNetworkChanged();
            udpFromPeer(dp, "203.0.113.6");
            udpFromPeer(dp, "198.51.100.6");
            assertThat(far.opened).containsExactly(new InetSocketAddress("198.51.100.5", 7),
                    new InetSocketAddress("203.0.113.6", 7));
            assertThat(dp.servedRoutes().serves(InetAddress.ofLiteral("198.51.100.6").getAddress())).isFalse();
        }
    }

    /** Self (ID 1) and, if asked, one peer (ID 2), and a filter that lets every source reach every port. */
    private static Netmap netmap(boolean withPeer) throws Exception {
        String peers = withPeer ? "{'ID':2,'Name':'peer.tailnet.test.','Key':'"
                + PrivateKey.generate(KeyKind.NODE).publicKey() + "','Addresses':['100.64.0.2/32','fd7a:115c:a1e0::2/128']}" : "";
        String json = "{'Node':{'ID':1,'Name':'self.tailnet.test.','Addresses':['100.64.0.1/32']},"
                + "'Peers':[" + peers + "],"
                + "'PacketFilters':{'base':[{'SrcIPs':['*'],'DstPorts':[{'IP':'*','Ports':{'First':0,'Last':65535}}]}]}}";
        MapResponse m = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(json.replace('\'', '"'), MapResponse.class);
        return NetmapUpdater.apply(NetmapUpdater.empty(), m).netmap();
    }
}
