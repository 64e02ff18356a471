package io.microlink.magicsock;

import static io.microlink.magicsock.TestTailnet.netmap;
import static io.microlink.magicsock.TestTailnet.peer;
import static io.microlink.magicsock.TestTailnet.routing;
import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.netstack.PacketSink;
import io.microlink.route.RoutePrefs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which peer the link sends a packet to, as the routes of the netmap and this node's choices say. */
class WireGuardLinkRoutesTest {
    private final PublicKey alice = PrivateKey.generate(KeyKind.NODE).publicKey();
    private final PublicKey bob = PrivateKey.generate(KeyKind.NODE).publicKey();
    /** The peers the link sent a handshake initiation to: where it routed each packet. */
    private final List<PublicKey> sentTo = new ArrayList<>();

    private WireGuardLink link(RoutePrefs prefs) {
        return new WireGuardLink(PrivateKey.generate(KeyKind.NODE), new WireGuardLink.Paths() {
            @Override
            public void sendToPeer(PublicKey peer, byte[] buf, int off, int len) {
                sentTo.add(peer);
            }

            @Override
            public void sendUdp(byte[] buf, int off, int len, InetSocketAddress to) {
            }
        }, WireGuardLink.Limits.DEFAULT, TestTailnet.expiry(), prefs, new PacketSink() {
            @Override
            public void accept(byte[] buf, int off, int len) {
            }

            @Override
            public void endOfBatch() {
            }
        });
    }

    @Test
    void aSubnetRouteFollowsThePrimaryRouterAsControlMovesIt() {
        WireGuardLink link = link(new RoutePrefs(true, null, false, List.of()));
        link.sync(netmap(routing(peer(2, "alice", alice, null, 1), "10.77.0.0/24"), peer(3, "bob", bob, null, 1)));
        send(link, "10.77.0.5");
        assertThat(sentTo).containsExactly(alice);

        // Alice went down: control makes bob the primary router of the subnet.
        link.sync(netmap(peer(2, "alice", alice, null, 1), routing(peer(3, "bob", bob, null, 1), "10.77.0.0/24")));
        sentTo.clear();
        send(link, "10.77.0.5");
        assertThat(sentTo).containsExactly(bob);
    }

    @Test
    void withoutAcceptRoutesASubnetGoesNowhereButThePeerItselfIsReached() {
        WireGuardLink link = link(RoutePrefs.NONE);
        link.sync(netmap(routing(peer(2, "alice", alice, null, 1), "10.77.0.0/24")));
        send(link, "10.77.0.5");
        assertThat(sentTo).isEmpty();
        send(link, "100.64.0.2");
        assertThat(sentTo).containsExactly(alice);
    }

    @Test
    void onlyTheChosenExitNodeCarriesAddressesOutsideTheTailnet() {
        WireGuardLink link = link(new RoutePrefs(false, "bob", false, List.of()));
        link.sync(netmap(routing(peer(2, "alice", alice, null, 1), "0.0.0.0/0", "::/0"),
                routing(peer(3, "bob", bob, null, 1), "0.0.0.0/0", "::/0")));
        send(link, "192.0.2.80");
        assertThat(sentTo).containsExactly(bob);
    }

    private static void send(WireGuardLink link, String destination) {
        byte[] p = WireGuardLinkTest.ipv4(InetAddress.ofLiteral("100.64.0.1"), InetAddress.ofLiteral(destination));
        link.sendInner(p, WireGuardLink.HEADROOM, 20);
    }
}
