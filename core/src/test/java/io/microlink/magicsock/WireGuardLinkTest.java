package io.microlink.magicsock;

import static io.microlink.magicsock.TestTailnet.netmap;
import static io.microlink.magicsock.TestTailnet.peer;
import static io.microlink.magicsock.TestTailnet.routing;
import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.route.RoutePrefs;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.netmap.PeerExpiry;
import io.microlink.netstack.PacketSink;
import io.microlink.wireguard.session.Endpoint;
import io.microlink.wireguard.session.Engine;
import io.microlink.wireguard.session.EngineSettings;
import io.microlink.wireguard.session.Network;
import io.microlink.wireguard.session.PeerSpec;
import io.microlink.wireguard.session.TimeSource;
import io.microlink.wireguard.session.UdpEndpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The link with real WireGuard peers (engines the test drives) on a fake network. */
class WireGuardLinkTest {
    private static final InetSocketAddress BOB_PROVEN = new InetSocketAddress("192.0.2.2", 41641);

    /** Who the link sent a datagram to: a peer's node key, or a bare UDP address. */
    private record Out(PublicKey peer, InetSocketAddress udp, byte[] bytes) {}

    private final PrivateKey ours = PrivateKey.generate(KeyKind.NODE);
    private final PrivateKey alice = PrivateKey.generate(KeyKind.NODE);
    private final PublicKey bob = PrivateKey.generate(KeyKind.NODE).publicKey();
    private final List<Out> out = new ArrayList<>();
    private final List<byte[]> aliceSent = new ArrayList<>();
    private Instant now = TestTailnet.NOW;
    private final PeerExpiry expiry = new PeerExpiry(new InstantSource() {
        @Override
        public Instant instant() {
            return now;
        }
    });
    private final WireGuardLink link = newLink(RoutePrefs.NONE);

    private WireGuardLink newLink(RoutePrefs prefs) {
        return new WireGuardLink(ours, new WireGuardLink.Paths() {
        @Override
        public void sendToPeer(PublicKey peer, byte[] buf, int off, int len) {
            out.add(new Out(peer, null, Arrays.copyOfRange(buf, off, off + len)));
        }

        @Override
        public void sendUdp(byte[] buf, int off, int len, InetSocketAddress to) {
            out.add(new Out(null, to, Arrays.copyOfRange(buf, off, off + len)));
        }
    }, WireGuardLink.Limits.DEFAULT, expiry, prefs, new PacketSink() {
        @Override
        public void accept(byte[] buf, int off, int len) {
        }

        @Override
        public void endOfBatch() {
        }
    });
    }

    @Test
    void aHandshakeFromAnotherPeersProvenAddressIsAnsweredOnTheInitiatorsOwnPath() {
        link.sync(netmap(peer(2, "bob", bob, null, 1), peer(3, "alice", alice.publicKey(), null, 1)));
        byte[] initiation = aliceInitiation();

        // The datagram came from bob's proven address (alice forged its source), so magicsock
        // hands it over as bob's.
        link.receiveFromPeer(initiation, 0, initiation.length, bob);

        assertThat(out).hasSize(1);
        assertThat(out.getFirst().peer()).as("answered on alice's path, not bob's").isEqualTo(alice.publicKey());
        assertThat(link.peers().get(alice.publicKey()).endpoint()).isEqualTo(new WireGuardLink.PeerEndpoint(alice.publicKey()));
    }

    @Test
    void aHandshakeFromAnUnprovenAddressIsAnsweredOnThePeersPathToo() {
        link.sync(netmap(peer(3, "alice", alice.publicKey(), null, 1)));
        byte[] initiation = aliceInitiation();

        link.receiveUdp(initiation, 0, initiation.length, BOB_PROVEN);

        assertThat(out).extracting(Out::peer).containsExactly(alice.publicKey());
    }

    @Test
    void aPeerWhoseKeyExpiresLosesItsSessionAndRoutes() {
        Instant expires = now.plus(Duration.ofMinutes(10));
        var map = netmap(peer(3, "alice", alice.publicKey(), null, 1, expires));
        link.sync(map);
        expiry.applied(map);
        byte[] initiation = aliceInitiation();
        link.receiveUdp(initiation, 0, initiation.length, BOB_PROVEN);
        assertThat(link.peers().get(alice.publicKey()).hasSession()).isTrue();
        assertThat(expiry.due()).isFalse();

        now = expires;
        assertThat(expiry.due()).as("the data plane's tick re-applies the netmap").isTrue();
        link.sync(map);
        expiry.applied(map);

        assertThat(link.peers()).isEmpty();
        assertThat(expiry.due()).isFalse();
        out.clear();
        byte[] packet = ipv4(ip("100.64.0.1"), ip("100.64.0.3"));
        link.sendInner(packet, WireGuardLink.HEADROOM, 20);
        assertThat(out).as("no route to an expired peer").isEmpty();
    }

    @Test
    void aPeerAlreadyExpiredIsNoWireGuardPeer() {
        link.sync(netmap(peer(3, "alice", alice.publicKey(), null, 1, now.minusSeconds(1)),
                peer(2, "bob", bob, null, 1, now.plusSeconds(60))));
        byte[] initiation = aliceInitiation();

        link.receiveUdp(initiation, 0, initiation.length, BOB_PROVEN);
        link.sendInner(ipv4(ip("100.64.0.1"), ip("100.64.0.3")), WireGuardLink.HEADROOM, 20);
        link.sendInner(ipv4(ip("100.64.0.1"), ip("100.64.0.2")), WireGuardLink.HEADROOM, 20);

        assertThat(link.peers()).containsOnlyKeys(bob);
        assertThat(out).extracting(Out::peer).containsExactly(bob);
    }

    @Test
    void aNetmapPeerGetsWireGuardStateOnlyWhenAPacketGoesToIt() {
        link.sync(netmap(peer(2, "bob", bob, null, 1), peer(3, "alice", alice.publicKey(), null, 1)));
        assertThat(link.peers()).as("listed in the netmap, but no traffic yet").isEmpty();

        link.sendInner(ipv4(ip("100.64.0.1"), ip("100.64.0.2")), WireGuardLink.HEADROOM, 20);
        link.sendInner(ipv4(ip("100.64.0.1"), ip("100.64.0.9")), WireGuardLink.HEADROOM, 20);

        assertThat(link.peers()).containsOnlyKeys(bob);
        assertThat(out).singleElement().satisfies(o -> {
            assertThat(o.peer()).isEqualTo(bob);
            assertThat(o.bytes()[0]).as("an initiation").isEqualTo((byte) 1);
        });
    }

    @Test
    void aNetmapPeerGetsWireGuardStateWhenItsHandshakeArrives() {
        link.sync(netmap(peer(2, "bob", bob, null, 1), peer(3, "alice", alice.publicKey(), null, 1)));
        byte[] initiation = aliceInitiation();

        link.receiveUdp(initiation, 0, initiation.length, BOB_PROVEN);

        assertThat(link.peers()).containsOnlyKeys(alice.publicKey());
        assertThat(link.peers().get(alice.publicKey()).hasSession()).isTrue();
    }

    @Test
    void aHandshakeFromAKeyOutsideTheNetmapMakesNoPeer() {
        link.sync(netmap(peer(2, "bob", bob, null, 1)));
        byte[] initiation = aliceInitiation();

        link.receiveUdp(initiation, 0, initiation.length, BOB_PROVEN);
        link.receiveFromPeer(initiation, 0, initiation.length, alice.publicKey());

        assertThat(link.peers()).isEmpty();
        assertThat(out).isEmpty();
    }

    @Test
    void aMadePeerThatLeavesTheNetmapGoes() {
        link.sync(netmap(peer(2, "bob", bob, null, 1)));
        link.sendInner(ipv4(ip("100.64.0.1"), ip("100.64.0.2")), WireGuardLink.HEADROOM, 20);
        assertThat(link.peers()).containsOnlyKeys(bob);

        link.sync(netmap(peer(3, "alice", alice.publicKey(), null, 1)));

        assertThat(link.peers()).isEmpty();
    }

    @Test
    void aSubnetRouterIsMadeAtOnceAsTailscaledKeepsIt() {
        WireGuardLink routing = newLink(new RoutePrefs(true, null, false, List.of()));
        routing.sync(netmap(routing(peer(2, "bob", bob, null, 1), "10.77.0.0/24"),
                peer(3, "alice", alice.publicKey(), null, 1)));

        assertThat(routing.peers()).containsOnlyKeys(bob);
    }

    @Test
    void withAnExitNodeEveryPeerIsMadeSoItsOwnAddressNeverGoesToTheExitNode() {
        WireGuardLink viaExit = newLink(new RoutePrefs(false, "bob", false, List.of()));
        viaExit.sync(netmap(routing(peer(2, "bob", bob, null, 1), "0.0.0.0/0", "::/0"),
                peer(3, "alice", alice.publicKey(), null, 1)));

        assertThat(viaExit.peers()).containsOnlyKeys(bob, alice.publicKey());
        viaExit.sendInner(ipv4(ip("100.64.0.1"), ip("100.64.0.3")), WireGuardLink.HEADROOM, 20);
        assertThat(out).extracting(Out::peer).containsExactly(alice.publicKey());
    }

    @Test
    void aPeerThatRestartedWithANewDiscoKeyLosesItsSessionSoTheNextPacketHandshakes() {
        PublicKey disco1 = PrivateKey.generate(KeyKind.DISCO).publicKey();
        PublicKey disco2 = PrivateKey.generate(KeyKind.DISCO).publicKey();
        link.sync(netmap(peer(3, "alice", alice.publicKey(), disco1, 1)));
        byte[] initiation = aliceInitiation();
        link.receiveFromPeer(initiation, 0, initiation.length, alice.publicKey());
        assertThat(link.peers().get(alice.publicKey()).hasSession()).isTrue();

        link.sync(netmap(peer(3, "alice", alice.publicKey(), null, 1)));
        assertThat(link.peers().get(alice.publicKey()).hasSession()).as("a map without the disco key is no restart")
                .isTrue();
        link.sync(netmap(peer(3, "alice", alice.publicKey(), disco1, 1)));
        assertThat(link.peers().get(alice.publicKey()).hasSession()).isTrue();

        link.sync(netmap(peer(3, "alice", alice.publicKey(), disco2, 1)));
        assertThat(link.peers().get(alice.publicKey()).hasSession()).isFalse();
        out.clear();
        link.sendInner(ipv4(ip("100.64.0.1"), ip("100.64.0.3")), WireGuardLink.HEADROOM, 20);
        assertThat(out).singleElement().satisfies(o -> assertThat(o.bytes()[0]).as("an initiation").isEqualTo((byte) 1));
    }

    /** Alice's engine, which knows us at some address, starts a handshake: its initiation. */
    private byte[] aliceInitiation() {
        Engine engine = new Engine(alice.raw(), EngineSettings.DEFAULT, TimeSource.system());
        var us = engine.addPeer(new PeerSpec(ours.publicKey().raw(), null,
                new UdpEndpoint(new InetSocketAddress("192.0.2.1", 41641)), 0, false));
        engine.allowedIps().insert(ip("100.64.0.1"), 32, us);
        engine.send(ipv4(ip("100.64.0.3"), ip("100.64.0.1")), WireGuardLink.HEADROOM, 20, new Network() {
            @Override
            public void send(Endpoint to, byte[] buf, int off, int len) {
                aliceSent.add(Arrays.copyOfRange(buf, off, off + len));
            }

            @Override
            public void deliver(byte[] buf, int off, int len) {
            }
        });
        assertThat(aliceSent).hasSize(1);
        return aliceSent.getFirst();
    }

    /** A bare IPv4 header (20 bytes) with room around it for WireGuard. */
    static byte[] ipv4(InetAddress from, InetAddress to) {
        byte[] p = new byte[WireGuardLink.HEADROOM + 20 + WireGuardLink.TAILROOM];
        int o = WireGuardLink.HEADROOM;
        p[o] = 0x45;
        p[o + 3] = 20;
        p[o + 8] = 64;
        p[o + 9] = 1;
        System.arraycopy(from.getAddress(), 0, p, o + 12, 4);
        System.arraycopy(to.getAddress(), 0, p, o + 16, 4);
        return p;
    }

    private static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }
}
