package io.microlink.magicsock;

import static io.microlink.magicsock.TestTailnet.netmap;
import static io.microlink.magicsock.TestTailnet.peer;
import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.control.wire.Node;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.netmap.Netmap;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerTableTest {
    private static final long NOW = 1_000_000_000L;
    private static final InetSocketAddress E1 = new InetSocketAddress("127.0.0.1", 41641);
    private static final InetSocketAddress E2 = new InetSocketAddress("::1", 41641);
    private static final InetSocketAddress LEARNED = new InetSocketAddress("192.0.2.7", 5000);

    private final PublicKey bob = PrivateKey.generate(KeyKind.NODE).publicKey();
    private final PublicKey bobDisco = PrivateKey.generate(KeyKind.DISCO).publicKey();
    private final PublicKey carol = PrivateKey.generate(KeyKind.NODE).publicKey();
    private final Netmap map = netmap(peer(2, "bob", bob, bobDisco, 1, "127.0.0.1:41641", "[::1]:41641"),
            peer(3, "carol", carol, null, 0));

    @Test
    void peersAreFoundByNodeKeyDiscoKeyAndTheirNetmapNode() {
        PeerTable table = new PeerTable(Set.of(), TestTailnet.expiry());
        table.sync(map);

        PeerTable.Entry p = table.get(bob);
        assertThat(p.name()).isEqualTo("bob.tailnet.test.");
        assertThat(p.discoKey()).isEqualTo(bobDisco);
        assertThat(p.homeRegion()).isEqualTo(1);
        assertThat(p.path().candidates()).containsExactly(E1, E2);
        assertThat(table.byDiscoKey(bobDisco)).isSameAs(p);
        assertThat(table.of(map.peerByNodeKey(bob).orElseThrow())).isSameAs(p);
        assertThat(table.get(carol).discoKey()).isNull();
        assertThat(table.byDiscoKey(PrivateKey.generate(KeyKind.DISCO).publicKey())).isNull();
    }

    @Test
    void aPeerGetsAnEntryOnlyWhenFirstNeededAndLosesItWhenItLeavesTheNetmap() {
        PeerTable table = new PeerTable(Set.of(), TestTailnet.expiry());
        table.sync(map);
        assertThat(table.all()).as("listed, but nothing went to or came from them").isEmpty();
        assertThat(table.knowsDiscoKey(bobDisco)).isTrue();
        assertThat(table.all()).as("asking whether a disco key is a peer's makes nothing").isEmpty();

        PeerTable.Entry p = table.byDiscoKey(bobDisco);

        assertThat(table.all()).containsExactly(p);
        assertThat(table.get(bob)).isSameAs(p);
        table.sync(netmap(peer(3, "carol", carol, null, 0)));
        assertThat(table.all()).isEmpty();
        assertThat(table.get(bob)).isNull();
        assertThat(table.knowsDiscoKey(bobDisco)).isFalse();
    }

    @Test
    void aPeersPathOutlivesNetmapsThatKeepIt() {
        PeerTable table = new PeerTable(Set.of(), TestTailnet.expiry());
        table.sync(map);
        PeerPath path = prove(table.get(bob), E1);

        table.sync(netmap(peer(2, "bob", bob, bobDisco, 7, "127.0.0.1:41641")));

        assertThat(table.get(bob).path()).isSameAs(path);
        assertThat(table.get(bob).homeRegion()).isEqualTo(7);
        assertThat(path.trustedDirect(NOW)).isEqualTo(E1);
    }

    @Test
    void aPeerWithANewDiscoKeyRestartedAndItsProvenPathIsForgotten() {
        PeerTable table = new PeerTable(Set.of(), TestTailnet.expiry());
        table.sync(map);
        PeerPath path = prove(table.get(bob), E1);
        table.prove(table.get(bob), E1, NOW);

        PublicKey restartedDisco = PrivateKey.generate(KeyKind.DISCO).publicKey();
        table.sync(netmap(peer(2, "bob", bob, restartedDisco, 1, "127.0.0.1:41641")));

        assertThat(table.get(bob).path()).isNotSameAs(path);
        assertThat(table.get(bob).path().trustedDirect(NOW)).isNull();
        assertThat(table.ownerOf(E1)).as("proven by the old process only").isNull();
        assertThat(table.byDiscoKey(bobDisco)).isNull();
    }

    @Test
    void datagramsAreTiedToAPeerOnlyFromProvenAddressesItStillHas() {
        PeerTable table = new PeerTable(Set.of(), TestTailnet.expiry());
        table.sync(map);
        table.learn(table.get(bob), LEARNED, false);
        assertThat(table.ownerOf(E1)).as("advertised, not proven").isNull();
        assertThat(table.ownerOf(LEARNED)).as("learned, not proven").isNull();

        table.prove(table.get(bob), E1, NOW);
        table.prove(table.get(bob), LEARNED, NOW);
        table.prove(table.get(bob), new InetSocketAddress("127.0.0.1", 9), NOW);
        assertThat(table.ownerOf(E1)).isEqualTo(bob);
        assertThat(table.ownerOf(LEARNED)).isEqualTo(bob);
        assertThat(table.ownerOf(new InetSocketAddress("127.0.0.1", 9))).as("never a candidate").isNull();

        table.sync(netmap(peer(2, "bob", bob, bobDisco, 1, "[::1]:41641")));
        assertThat(table.ownerOf(E1)).as("no longer advertised").isNull();
        assertThat(table.ownerOf(LEARNED)).as("learned addresses stay").isEqualTo(bob);

        table.sync(netmap(peer(3, "carol", carol, null, 0)));
        assertThat(table.get(bob)).isNull();
        assertThat(table.ownerOf(LEARNED)).isNull();
        assertThat(table.ownedEndpoints()).isZero();
    }

    @Test
    void anAddressAnotherPeerAdvertisesStaysWithThePeerThatProvedIt() {
        PeerTable table = new PeerTable(Set.of(), TestTailnet.expiry());
        table.sync(map);
        table.prove(table.get(bob), E1, NOW);

        // Carol reports bob's address as hers to control, which passes it on.
        table.sync(netmap(peer(2, "bob", bob, bobDisco, 1, "127.0.0.1:41641"),
                peer(3, "carol", carol, PrivateKey.generate(KeyKind.DISCO).publicKey(), 1, "127.0.0.1:41641")));

        assertThat(table.ownerOf(E1)).isEqualTo(bob);
    }

    @Test
    void provenAddressesAreBoundedBetweenNetmapsAndTheStaleGoFirst() {
        PeerTable table = new PeerTable(Set.of(), TestTailnet.expiry());
        table.sync(map);
        PeerTable.Entry b = table.get(bob);
        table.prove(b, E1, NOW);
        // Bob proves address after address (he owns an IPv6 prefix); the path keeps 16 learned ones.
        for (int i = 0; i < PeerTable.MAX_OWNED_ENDPOINTS + 100; i++) {
            InetSocketAddress a = new InetSocketAddress("2001:db8::" + Integer.toHexString(i + 1), 41641);
            table.learn(b, a, true);
            table.prove(b, a, NOW + i);
        }
        assertThat(table.ownedEndpoints()).isLessThanOrEqualTo(PeerTable.MAX_OWNED_ENDPOINTS);
        assertThat(table.ownerOf(E1)).as("advertised and proven: not stale").isEqualTo(bob);
    }

    @Test
    void aPeerWhoseKeyHasExpiredHasNoPathAndItsDiscoIsNotAnswered() {
        PeerTable table = new PeerTable(Set.of(), TestTailnet.expiry());
        table.sync(netmap(peer(2, "bob", bob, bobDisco, 1, TestTailnet.NOW, "127.0.0.1:41641"),
                peer(3, "carol", carol, null, 0, TestTailnet.NOW.plusSeconds(1))));

        assertThat(table.get(bob)).isNull();
        assertThat(table.byDiscoKey(bobDisco)).isNull();
        assertThat(table.get(carol)).as("expires a second later").isNotNull();
    }

    @Test
    void malformedEndpointsFromControlAreSkipped() {
        PeerTable table = new PeerTable(Set.of(), TestTailnet.expiry());
        table.sync(netmap(peer(2, "bob", bob, bobDisco, 1, "bogus", "host.example:1", "127.0.0.1:0", "127.0.0.1:41641")));
        assertThat(table.get(bob).path().candidates()).containsExactly(E1);
    }

    @Test
    void theAllowlistNamesPeersByShortNameFqdnAddressOrNodeKey() {
        for (String entry : List.of("bob", "bob.tailnet.test", "100.64.0.2", bob.toString())) {
            assertThat(map.find(entry)).map(Node::id).as(entry).contains(2L);
            PeerTable table = new PeerTable(Set.of(entry), TestTailnet.expiry());
            table.sync(map);
            assertThat(probed(table.get(bob))).as(entry).isTrue();
        }
        assertThat(map.find("dave")).isEmpty();
    }

    @Test
    void onlyAllowlistedPeersWithADiscoKeyAreProbed() {
        PeerTable table = new PeerTable(Set.of("carol"), TestTailnet.expiry());
        table.sync(map);
        assertThat(probed(table.get(bob))).as("not on the list").isFalse();

        table = new PeerTable(Set.of(), TestTailnet.expiry());
        table.sync(netmap(peer(3, "carol", carol, null, 0, "127.0.0.1:41641")));
        assertThat(probed(table.get(carol))).as("no disco key").isFalse();
    }

    @Test
    void aPeerTakenOffTheAllowlistLosesItsDirectPathAtOnce() {
        PeerTable table = new PeerTable(Set.of("bob"), TestTailnet.expiry());
        table.sync(map);
        PeerPath path = prove(table.get(bob), E1);

        table.setDiscoAllowlist(Set.of("carol"));
        table.sync(map);

        assertThat(path.trustedDirect(NOW)).isNull();
        assertThat(path.route(NOW)).isEqualTo(new PeerPath.Route(null, true));
    }

    private static PeerPath prove(PeerTable.Entry p, InetSocketAddress endpoint) {
        p.path().route(NOW);
        p.path().probes(NOW, Integer.MAX_VALUE);
        p.path().onPong(endpoint, 1_000_000L, NOW);
        return p.path();
    }

    private static boolean probed(PeerTable.Entry p) {
        p.path().route(NOW);
        return !p.path().probes(NOW, Integer.MAX_VALUE).pings().isEmpty();
    }
}
