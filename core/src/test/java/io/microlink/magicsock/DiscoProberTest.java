package io.microlink.magicsock;

import static io.microlink.magicsock.TestTailnet.netmap;
import static io.microlink.magicsock.TestTailnet.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.microlink.PingPath;
import io.microlink.PingResult;
import io.microlink.crypto.NaclBox;
import io.microlink.disco.DiscoMessage;
import io.microlink.disco.DiscoPacket;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The prober against a fake transport and a fake clock; bob is a peer whose DISCO the test plays. */
class DiscoProberTest {
    private static final long MS = 1_000_000L;
    private static final InetSocketAddress E1 = new InetSocketAddress("127.0.0.1", 41641);
    private static final InetSocketAddress E2 = new InetSocketAddress("::1", 41641);
    private static final InetSocketAddress BOB_ELSEWHERE = new InetSocketAddress("192.0.2.7", 5000);
    private static final InetSocketAddress OURS = new InetSocketAddress("198.51.100.1", 41641);
    private static final InetSocketAddress ALICE = new InetSocketAddress("198.51.100.9", 41641);

    /**
     * What the prober sent: to a UDP address, or through DERP ({@code to} null) to a node key;
     * {@code message} as bob reads it (null if it was for another peer), {@code packet} as sent.
     */
    private record Sent(InetSocketAddress to, int region, PublicKey peer, DiscoMessage message, byte[] packet) {}

    private final PrivateKey ourDisco = PrivateKey.generate(KeyKind.DISCO);
    private final PublicKey ourNodeKey = PrivateKey.generate(KeyKind.NODE).publicKey();
    private final PrivateKey bobDisco = PrivateKey.generate(KeyKind.DISCO);
    private final PublicKey bobKey = PrivateKey.generate(KeyKind.NODE).publicKey();
    private final DiscoEndpoint bob = new DiscoEndpoint(bobDisco);
    private final List<Sent> sent = new ArrayList<>();
    private boolean derpConnected = true;
    private NaclBox bobBox;
    private final PeerTable peers = new PeerTable(Set.of(), TestTailnet.expiry());
    /** Where we say peers reach us; a test of a network change moves it. */
    private List<InetSocketAddress> ours = List.of(OURS);
    private final DiscoProber prober = new DiscoProber(ourDisco, peers, new DiscoProber.Transport() {
        @Override
        public void sendUdp(byte[] packet, InetSocketAddress to) {
            sent.add(new Sent(to, -1, null, openAsBob(packet), packet));
        }

        @Override
        public void sendDerp(int region, PublicKey peer, byte[] packet) {
            sent.add(new Sent(null, region, peer, openAsBob(packet), packet));
        }

        @Override
        public boolean derpConnected() {
            return derpConnected;
        }
    }, () -> ourNodeKey, () -> ours, region -> "r" + region);
    private long now = 1_000 * MS;

    DiscoProberTest() {
        peers.sync(netmap(peer(2, "bob", bobKey, bobDisco.publicKey(), 1, "127.0.0.1:41641", "[::1]:41641")));
    }

    private PeerTable.Entry bobPeer() {
        return peers.get(bobKey);
    }

    @Test
    void theFirstPacketToAPeerPingsItsEndpointsAndAsksItThroughDerpToCallBack() {
        dataToBob(now);

        assertThat(sent).hasSize(3);
        assertThat(sent.subList(0, 2)).extracting(Sent::to).containsExactly(E1, E2);
        assertThat(sent.subList(0, 2)).allSatisfy(s ->
                assertThat(((DiscoMessage.Ping) s.message()).nodeKey()).isEqualTo(ourNodeKey));
        Sent call = sent.get(2);
        assertThat(call.to()).isNull();
        assertThat(call.region()).isEqualTo(1);
        assertThat(call.peer()).isEqualTo(bobKey);
        assertThat(((DiscoMessage.CallMeMaybe) call.message()).endpoints()).containsExactly(OURS);
        assertThat(bobPeer().path().route(now)).as("nothing proven yet").isEqualTo(new PeerPath.Route(null, true));
    }

    @Test
    void aPongProvesItsPathForDataAndHeartbeatsKeepItProven() {
        dataToBob(now);
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + 2 * MS);
        assertThat(bobPeer().path().route(now + 3 * MS)).isEqualTo(new PeerPath.Route(E1, false));

        sent.clear();
        now += PeerPath.HEARTBEAT_NANOS;
        prober.tick(now);
        assertThat(sent).extracting(Sent::to).as("one heartbeat, no call-me-maybe").containsExactly(E1);
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + MS);
        assertThat(bobPeer().path().trustedDirect(now + PeerPath.TRUST_NANOS)).isEqualTo(E1);
    }

    @Test
    void withoutPongsTheProofLapsesAndDataGoesThroughDerpAgain() {
        dataToBob(now);
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + MS);
        for (long t = now + 100 * MS; t < now + PeerPath.TRUST_NANOS + MS; t += 100 * MS) {
            prober.tick(t); // heartbeats go out, nobody answers
        }
        PeerPath.Route route = bobPeer().path().route(now + PeerPath.TRUST_NANOS + MS);
        assertThat(route.viaDerp()).isTrue();
    }

    @Test
    void aPongIsBelievedOnlyFromThePeerThatWasPingedAndOnlyOnce() throws Exception {
        dataToBob(now);
        PrivateKey carolDisco = PrivateKey.generate(KeyKind.DISCO);
        PublicKey carolKey = PrivateKey.generate(KeyKind.NODE).publicKey();
        peers.sync(netmap(peer(2, "bob", bobKey, bobDisco.publicKey(), 1, "127.0.0.1:41641", "[::1]:41641"),
                peer(3, "carol", carolKey, carolDisco.publicKey(), 1)));
        byte[] tx = ((DiscoMessage.Ping) pingTo(E1).message()).txId();

        prober.onUdp(DiscoPacket.seal(carolDisco, ourDisco.publicKey(), new DiscoMessage.Pong(tx, E1)), E1, now);
        assertThat(bobPeer().path().trustedDirect(now)).as("carol answered bob's ping").isNull();
        prober.onUdp(DiscoPacket.seal(bobDisco, ourDisco.publicKey(), new DiscoMessage.Pong(tx, E1)), E1, now);
        assertThat(bobPeer().path().trustedDirect(now)).as("the transaction was used up").isNull();
    }

    @Test
    void probesUnansweredForFiveSecondsAreForgotten() throws Exception {
        dataToBob(now);
        byte[] stalePong = bobAnswers(pingTo(E1));
        assertThat(prober.pendingPings()).isEqualTo(2);

        prober.tick(now + DiscoProber.PING_TIMEOUT_NANOS + 1);
        assertThat(prober.pendingPings()).as("the two expired, two fresh probes went out").isEqualTo(2);
        prober.onUdp(stalePong, E1, now + DiscoProber.PING_TIMEOUT_NANOS + 2);
        assertThat(bobPeer().path().trustedDirect(now + DiscoProber.PING_TIMEOUT_NANOS + 2)).isNull();
    }

    @Test
    void pingsAwaitingAPongAreBoundedAndTheOldestGoFirst() throws Exception {
        DiscoProber.Ping first = prober.ping(bobPeer(), PingPath.ANY, now);
        byte[] firstPong = bobAnswers(pingTo(E1));
        for (int i = 0; i < DiscoProber.MAX_PENDING_PINGS / 3 + 1; i++) {
            prober.ping(bobPeer(), PingPath.ANY, now);
        }
        assertThat(prober.pendingPings()).isEqualTo(DiscoProber.MAX_PENDING_PINGS);

        prober.onUdp(firstPong, E1, now + MS);
        assertThat(first.answer()).isNotDone();
    }

    @Test
    void aPingFromThePeerIsAnsweredWhereItCameFromWhichBecomesItsCandidate() throws Exception {
        prober.onUdp(bob.ping(ourDisco.publicKey(), new byte[12], bobKey), BOB_ELSEWHERE, now);

        assertThat(sent).hasSize(1);
        assertThat(sent.getFirst().to()).isEqualTo(BOB_ELSEWHERE);
        assertThat(((DiscoMessage.Pong) sent.getFirst().message()).source()).isEqualTo(BOB_ELSEWHERE);
        assertThat(bobPeer().path().candidates()).contains(BOB_ELSEWHERE);
        assertThat(peers.ownerOf(BOB_ELSEWHERE)).as("a candidate until our ping there is answered").isNull();
    }

    @Test
    void aPingThroughDerpIsAnsweredThroughTheSameRegion() throws Exception {
        prober.onDerp(bob.ping(ourDisco.publicKey(), new byte[12], bobKey), 7, bobKey, now);

        assertThat(sent).hasSize(1);
        Sent pong = sent.getFirst();
        assertThat(pong.to()).isNull();
        assertThat(pong.region()).isEqualTo(7);
        assertThat(pong.peer()).isEqualTo(bobKey);
        assertThat(((DiscoMessage.Pong) pong.message()).source()).isEqualTo(DiscoEndpoint.derpPath(7));
    }

    @Test
    void callMeMaybeThroughDerpPingsTheEndpointsAtOnceButNotOverUdp() throws Exception {
        byte[] call = bob.callMeMaybe(ourDisco.publicKey(), List.of(BOB_ELSEWHERE));
        prober.onUdp(call, BOB_ELSEWHERE, now);
        assertThat(sent).isEmpty();

        prober.onDerp(call, 1, bobKey, now);
        assertThat(sent).filteredOn(s -> s.message() instanceof DiscoMessage.Ping).extracting(Sent::to)
                .contains(BOB_ELSEWHERE);
        assertThat(bobPeer().path().active(now)).isTrue();
    }

    @Test
    void strangersGetNoAnswer() throws Exception {
        DiscoEndpoint stranger = new DiscoEndpoint(PrivateKey.generate(KeyKind.DISCO));
        prober.onUdp(stranger.ping(ourDisco.publicKey(), new byte[12], bobKey), BOB_ELSEWHERE, now);
        prober.onDerp(stranger.ping(ourDisco.publicKey(), new byte[12], bobKey), 1, bobKey, now);
        assertThat(sent).isEmpty();
        assertThat(peers.ownerOf(BOB_ELSEWHERE)).isNull();
    }

    @Test
    void peersOffTheAllowlistAreNotProbed() {
        peers.setDiscoAllowlist(Set.of("carol"));
        peers.sync(netmap(peer(2, "bob", bobKey, bobDisco.publicKey(), 1, "127.0.0.1:41641")));
        dataToBob(now);
        prober.tick(now + PeerPath.PING_SPACING_NANOS);
        assertThat(sent).isEmpty();
    }

    @Test
    void aPingWithoutAProvenPathGoesEverywhereAndTheFirstPongAnswers() throws Exception {
        try (DiscoProber.Ping ping = prober.ping(bobPeer(), PingPath.ANY, now)) {
            assertThat(sent).extracting(Sent::to).containsExactly(E1, E2, null, null);
            assertThat(sent.get(2).region()).isEqualTo(1);
            assertThat(sent.get(2).message()).isInstanceOf(DiscoMessage.Ping.class);

            prober.onDerp(bobAnswers(sent.get(2)), 1, bobKey, now + 5 * MS);
            assertThat(ping.answer()).isCompletedWithValue(
                    new PingResult("bob.tailnet.test.", "DERP(r1)", Duration.ofMillis(5)));
            assertThat(bobPeer().path().trustedDirect(now + 5 * MS)).as("a relayed pong proves no direct path")
                    .isNull();
        }
        assertThat(prober.pendingPings()).as("closing forgets the unanswered ones").isZero();
    }

    @Test
    void aPingWithoutAProvenPathAsksThePeerThroughDerpToPingBackAndKeepsDiscoveryGoing() throws Exception {
        try (DiscoProber.Ping ping = prober.ping(bobPeer(), PingPath.ANY, now)) {
            // Behind a NAT that filters by address, bob's router drops our pings until bob pings us.
            Sent call = sent.getLast();
            assertThat(call.to()).isNull();
            assertThat(call.region()).isEqualTo(1);
            assertThat(call.peer()).isEqualTo(bobKey);
            assertThat(((DiscoMessage.CallMeMaybe) call.message()).endpoints()).containsExactly(OURS);

            sent.clear();
            prober.ping(bobPeer(), PingPath.ANY, now + 250 * MS).close();
            assertThat(sent).as("a second ping soon after asks again no sooner than discovery would")
                    .noneMatch(s -> s.message() instanceof DiscoMessage.CallMeMaybe);

            sent.clear();
            prober.tick(now + 300 * MS);
            assertThat(sent).as("the candidates were just pinged").isEmpty();
            prober.tick(now + 250 * MS + PeerPath.PING_SPACING_NANOS);
            assertThat(sent).as("the ping made bob active: discovery goes on without more pings of the user's")
                    .extracting(Sent::to).contains(E1, E2);
        }
    }

    @Test
    void aPingWithAProvenPathUsesOnlyThatPathAndItsAnswerIsDirect() throws Exception {
        dataToBob(now);
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now);
        sent.clear();

        try (DiscoProber.Ping ping = prober.ping(bobPeer(), PingPath.ANY, now)) {
            assertThat(sent).extracting(Sent::to).containsExactly(E1);
            prober.onUdp(bobAnswers(sent.getFirst()), E1, now + 2 * MS);
            PingResult result = ping.answer().getNow(null);
            assertThat(result.path()).isEqualTo("127.0.0.1:41641");
            assertThat(result.direct()).isTrue();
        }
    }

    @Test
    void aDerpOnlyPingNeedsTheHomeRelayButAnyPingStillGoesDirect() throws Exception {
        derpConnected = false;
        assertThatThrownBy(() -> prober.ping(bobPeer(), PingPath.DERP, now)).isInstanceOf(IOException.class)
                .hasMessageContaining("no DERP connection");
        assertThat(prober.pendingPings()).isZero();

        try (DiscoProber.Ping ping = prober.ping(bobPeer(), PingPath.ANY, now)) {
            assertThat(sent).extracting(Sent::to).containsExactly(E1, E2);
        }
    }

    @Test
    void aCallMeMaybeNamingAnotherPeersEndpointDoesNotTakeThatPeersTraffic() throws Exception {
        dataToBob(now);
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + MS);
        assertThat(peers.ownerOf(E1)).isEqualTo(bobKey);
        Alice alice = new Alice().join(3);

        // Alice, a peer in good standing, asks us through DERP to "call back" at bob's address.
        prober.onDerp(alice.disco.callMeMaybe(ourDisco.publicKey(), List.of(E1)), 1, alice.nodeKey, now + 2 * MS);

        assertThat(peers.ownerOf(E1)).as("bob's datagrams stay bob's").isEqualTo(bobKey);
        assertThat(peers.get(alice.nodeKey).path().route(now + 3 * MS).direct())
                .as("nothing goes to bob's address as alice's").isNull();
        assertThat(peers.get(alice.nodeKey).path().candidates()).as("only a candidate to probe").contains(E1);
        assertThat(bobPeer().path().trustedDirect(now + 3 * MS)).isEqualTo(E1);
    }

    @Test
    void aPeerOwnsAnAddressOnlyOnceItAnswersOurPingThereFromThere() throws Exception {
        Alice alice = new Alice().join(3);
        prober.onDerp(alice.disco.callMeMaybe(ourDisco.publicKey(), List.of(ALICE)), 1, alice.nodeKey, now);
        Sent ping = sent.stream().filter(x -> ALICE.equals(x.to())).findFirst().orElseThrow();
        assertThat(peers.ownerOf(ALICE)).as("claimed, not proven").isNull();

        prober.onUdp(alice.answers(ping), BOB_ELSEWHERE, now + MS);
        assertThat(peers.ownerOf(ALICE)).as("the answer came from elsewhere").isNull();
        assertThat(peers.ownerOf(BOB_ELSEWHERE)).isNull();

        sent.clear();
        prober.tick(now + PeerPath.PING_SPACING_NANOS);
        Sent again = sent.stream().filter(x -> ALICE.equals(x.to())).findFirst().orElseThrow();
        prober.onUdp(alice.answers(again), ALICE, now + PeerPath.PING_SPACING_NANOS + MS);
        assertThat(peers.ownerOf(ALICE)).isEqualTo(alice.nodeKey);
    }

    @Test
    void aCallMeMaybeRelayedFromAnotherNodeKeyIsIgnored() throws Exception {
        Alice alice = new Alice().join(3);
        byte[] bobsCall = bob.callMeMaybe(ourDisco.publicKey(), List.of(BOB_ELSEWHERE));

        prober.onDerp(bobsCall, 1, alice.nodeKey, now); // alice replays bob's sealed call-me-maybe

        assertThat(sent).isEmpty();
        assertThat(bobPeer().path().candidates()).doesNotContain(BOB_ELSEWHERE);
    }

    @Test
    void oneCallMeMaybeStartsAtMostItsCapOfPingsAndSkipsLinkLocal() throws Exception {
        Alice alice = new Alice().join(3);
        List<InetSocketAddress> many = new ArrayList<>();
        many.add(new InetSocketAddress("fe80::1", 41641));
        for (int i = 0; i < 1000; i++) {
            many.add(new InetSocketAddress("203.0.113." + (i % 250 + 1), 10_000 + i));
        }

        prober.onDerp(alice.disco.callMeMaybe(ourDisco.publicKey(), many), 1, alice.nodeKey, now);

        List<InetSocketAddress> pinged = sent.stream().map(Sent::to).filter(t -> t != null).toList();
        assertThat(pinged).as("the first it lists, as a peer lists its best first")
                .containsExactlyElementsOf(many.subList(1, 1 + DiscoProber.MAX_CALL_ME_MAYBE_ENDPOINTS));
        assertThat(peers.get(alice.nodeKey).path().candidates()).hasSizeLessThanOrEqualTo(PeerPath.MAX_LEARNED);
    }

    @Test
    void aFloodOfCallMeMaybesFromOnePeerPingsNoMoreThanItsBudgetPerWindow() throws Exception {
        Alice alice = new Alice().join(3);
        int port = 10_000;
        for (long t = now; t < now + 3 * PeerPath.PING_SPACING_NANOS; t += 50 * MS) {
            List<InetSocketAddress> fresh = new ArrayList<>();
            for (int i = 0; i < DiscoProber.MAX_CALL_ME_MAYBE_ENDPOINTS; i++) {
                fresh.add(new InetSocketAddress("203.0.113.9", port++));
            }
            prober.onDerp(alice.disco.callMeMaybe(ourDisco.publicKey(), fresh), 1, alice.nodeKey, t);
            prober.tick(t);
        }

        long pings = sent.stream().filter(x -> x.to() != null).count();
        assertThat(pings).as("three windows' worth at most, not one per endpoint named")
                .isLessThanOrEqualTo(3L * PeerPath.MAX_PINGS_PER_WINDOW).isGreaterThan(0);
        assertThat(peers.get(alice.nodeKey).path().candidates()).hasSizeLessThanOrEqualTo(PeerPath.MAX_LEARNED);
        assertThat(prober.pendingPings()).isLessThanOrEqualTo(DiscoProber.MAX_PENDING_PINGS);
    }

    @Test
    void callMeMaybeFloodsFromManyPeersTogetherStayWithinTheNodesBudget() throws Exception {
        int peerCount = DiscoProber.MAX_PROBE_PINGS_PER_WINDOW / PeerPath.MAX_PINGS_PER_WINDOW + 16;
        List<String> nodes = new ArrayList<>();
        List<Alice> callers = new ArrayList<>();
        for (int id = 3; id < 3 + peerCount; id++) {
            Alice a = new Alice();
            callers.add(a);
            nodes.add(a.node(id));
        }
        peers.sync(netmap(nodes.toArray(String[]::new)));
        int port = 10_000;
        for (int round = 0; round < PeerPath.MAX_PINGS_PER_WINDOW / DiscoProber.MAX_CALL_ME_MAYBE_ENDPOINTS + 1; round++) {
            for (Alice a : callers) {
                List<InetSocketAddress> fresh = new ArrayList<>();
                for (int i = 0; i < DiscoProber.MAX_CALL_ME_MAYBE_ENDPOINTS; i++) {
                    fresh.add(new InetSocketAddress("203.0.113.9", port++ % 60_000 + 1));
                }
                prober.onDerp(a.disco.callMeMaybe(ourDisco.publicKey(), fresh), 1, a.nodeKey, now + round * MS);
            }
        }

        assertThat(sent.stream().filter(x -> x.to() != null).count())
                .isEqualTo(DiscoProber.MAX_PROBE_PINGS_PER_WINDOW);
        assertThat(prober.pendingPings()).isEqualTo(DiscoProber.MAX_PROBE_PINGS_PER_WINDOW);
    }

    /** Another peer whose DISCO the test plays. */
    private final class Alice {
        final PrivateKey discoKey = PrivateKey.generate(KeyKind.DISCO);
        final PublicKey nodeKey = PrivateKey.generate(KeyKind.NODE).publicKey();
        final DiscoEndpoint disco = new DiscoEndpoint(discoKey);

        /** Alice as the netmap's node {@code id}, beside bob. */
        Alice join(int id) {
            peers.sync(netmap(peer(2, "bob", bobKey, bobDisco.publicKey(), 1, "127.0.0.1:41641", "[::1]:41641"),
                    node(id)));
            return this;
        }

        String node(int id) {
            return peer(id, "peer" + id, nodeKey, discoKey.publicKey(), 1);
        }

        /** Alice's pong to a ping we sent her. */
        byte[] answers(Sent ping) throws Exception {
            DiscoMessage.Ping m = (DiscoMessage.Ping) DiscoPacket.open(discoKey, ping.packet()).message();
            return DiscoPacket.seal(discoKey, ourDisco.publicKey(), new DiscoMessage.Pong(m.txId(), OURS));
        }
    }

    @Test
    void afterOurNetworkChangedAPeerInUseIsPingedEverywhereAndToldOurNewEndpointsAtOnce() throws Exception {
        dataToBob(now);
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + MS);
        assertThat(bobPeer().path().trustedDirect(now + 2 * MS)).isEqualTo(E1);

        // We moved: magicsock resets every path; the ticker may probe before the netcheck has
        // found our new endpoints, and its call-me-maybe then still names the old ones.
        now += 500 * MS;
        sent.clear();
        bobPeer().path().reset();
        assertThat(bobPeer().path().route(now)).as("through DERP until proven again")
                .isEqualTo(new PeerPath.Route(null, true));
        prober.tick(now);
        assertThat(sent).filteredOn(s -> s.message() instanceof DiscoMessage.Ping).extracting(Sent::to)
                .as("every endpoint pinged again at once").containsExactlyInAnyOrder(E1, E2);
        Sent ping = pingTo(E1);
        sent.clear();
        InetSocketAddress moved = new InetSocketAddress("198.51.100.77", 41641);
        ours = List.of(moved);
        prober.rediscover(now + MS);

        assertThat(sent).filteredOn(s -> s.message() instanceof DiscoMessage.CallMeMaybe)
                .as("a call-me-maybe with our new endpoint, though one went out a moment ago")
                .singleElement().satisfies(s -> {
                    assertThat(s.peer()).isEqualTo(bobKey);
                    assertThat(((DiscoMessage.CallMeMaybe) s.message()).endpoints()).containsExactly(moved);
                });
        prober.onUdp(bobAnswers(ping), E1, now + 3 * MS);
        assertThat(bobPeer().path().route(now + 4 * MS)).isEqualTo(new PeerPath.Route(E1, false));
    }

    @Test
    void aPeerThatMovedAwayFromItsProvenPathIsReachedThroughDerpAtOnceAndDirectlyWhereItIsNow() throws Exception {
        dataToBob(now);
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + MS);
        now += 1000 * MS; // the old path's proof has seconds left

        sent.clear();
        prober.onDerp(bob.callMeMaybe(ourDisco.publicKey(), List.of(BOB_ELSEWHERE)), 1, bobKey, now);
        assertThat(bobPeer().path().route(now + MS)).as("the relay carries data while the old path is in doubt")
                .isEqualTo(new PeerPath.Route(E1, true));
        assertThat(sent).filteredOn(s -> s.message() instanceof DiscoMessage.Ping).extracting(Sent::to)
                .as("both the new place and the old path are pinged now").contains(BOB_ELSEWHERE, E1);

        // The new path answers, though more slowly than the old one did.
        now += 50 * MS;
        prober.onUdp(bobAnswers(pingTo(BOB_ELSEWHERE)), BOB_ELSEWHERE, now);
        assertThat(bobPeer().path().route(now + MS)).isEqualTo(new PeerPath.Route(BOB_ELSEWHERE, false));
    }

    @Test
    void aCallMeMaybeThatListsTheProvenPathLeavesItTrusted() throws Exception {
        dataToBob(now);
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + MS);
        prober.onDerp(bob.callMeMaybe(ourDisco.publicKey(), List.of(E1, BOB_ELSEWHERE)), 1, bobKey, now + 2 * MS);
        assertThat(bobPeer().path().route(now + 3 * MS)).isEqualTo(new PeerPath.Route(E1, false));
    }

    @Test
    void aCallMeMaybeBesideATrustedPathPingsTheNewPlacesItNamesAtOnce() throws Exception {
        dataToBob(now);
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + MS);
        now += 1000 * MS; // no heartbeat due yet

        // Bob moved, and still lists his old address (tailscale advertises one for minutes after).
        sent.clear();
        prober.onDerp(bob.callMeMaybe(ourDisco.publicKey(), List.of(E1, BOB_ELSEWHERE)), 1, bobKey, now);
        assertThat(sent).filteredOn(s -> s.message() instanceof DiscoMessage.Ping).extracting(Sent::to)
                .as("what the call names, pinged now and not once the old proof lapses")
                .containsExactlyInAnyOrder(E1, BOB_ELSEWHERE);
        assertThat(bobPeer().path().route(now + MS)).as("a ping is no proof: the trusted path stays")
                .isEqualTo(new PeerPath.Route(E1, false));

        sent.clear();
        prober.tick(now + 100 * MS);
        assertThat(sent).as("answered once, not at every tick").isEmpty();
    }

    @Test
    void aPeerWhoseDataSwitchesFromDirectToDerpLosesOurTrustInItsOldPathAndIsPingedEverywhere() throws Exception {
        dataToBob(now);
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + MS);
        prober.onDirectData(bobPeer());
        now += 1000 * MS; // the old path's proof has seconds left

        // Bob moved: his network changed, he trusts no path to us and sends through the relay.
        sent.clear();
        assertThat(prober.onRelayedData(bobPeer(), now)).as("the caller resends what is in flight").isTrue();
        assertThat(bobPeer().path().route(now + MS)).as("the relay carries data while the old path is in doubt")
                .isEqualTo(new PeerPath.Route(E1, true));
        assertThat(sent).filteredOn(s -> s.message() instanceof DiscoMessage.Ping).extracting(Sent::to)
                .as("every candidate pinged at once, though pinged a second ago").containsExactlyInAnyOrder(E1, E2);

        // Only a pong makes a path direct again: here from where bob is now.
        prober.onUdp(bobAnswers(pingTo(E2)), E2, now + 2 * MS);
        assertThat(bobPeer().path().route(now + 3 * MS)).isEqualTo(new PeerPath.Route(E2, false));
    }

    @Test
    void anOldPathThatStillAnswersIsTrustedAgainAfterThePeersDataCameThroughDerp() throws Exception {
        dataToBob(now);
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + MS);
        prober.onDirectData(bobPeer());
        now += 1000 * MS;
        sent.clear();
        prober.onRelayedData(bobPeer(), now);

        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + MS);
        assertThat(bobPeer().path().route(now + 2 * MS)).isEqualTo(new PeerPath.Route(E1, false));
    }

    @Test
    void derpDataLeavesTheTrustedPathAloneUnlessThePeersDataCameDirectAndDoubtsItAtMostOncePerSpacing()
            throws Exception {
        dataToBob(now);
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + MS);
        assertThat(prober.onRelayedData(bobPeer(), now + 2 * MS))
                .as("a peer that sends through the relay all along has not moved").isFalse();
        assertThat(bobPeer().path().route(now + 3 * MS)).isEqualTo(new PeerPath.Route(E1, false));

        prober.onDirectData(bobPeer());
        assertThat(prober.onRelayedData(bobPeer(), now + 4 * MS)).isTrue();
        prober.onUdp(bobAnswers(pingTo(E1)), E1, now + 5 * MS);
        prober.onDirectData(bobPeer());
        sent.clear();
        assertThat(prober.onRelayedData(bobPeer(), now + 6 * MS))
                .as("a peer flapping between the two does not make us ping it endlessly").isFalse();
        assertThat(bobPeer().path().route(now + 7 * MS)).isEqualTo(new PeerPath.Route(E1, false));
        assertThat(sent).isEmpty();

        // The switch stays noted: the peer's next packet through the relay after the spacing
        // doubts the path. A moved tailscaled's second rebind (its old link gone) comes so, a
        // second or more after its first, which the old path answered (1.46 s when traced).
        long secondRebind = now + 1500 * MS;
        assertThat(prober.onRelayedData(bobPeer(), secondRebind)).isTrue();
        assertThat(bobPeer().path().route(secondRebind + MS).viaDerp()).isTrue();
    }

    @Test
    void rediscoveryLeavesPeersNotInUseAndPeersOffTheAllowlistAlone() {
        prober.rediscover(now);
        assertThat(sent).as("bob carried no traffic").isEmpty();

        peers.setDiscoAllowlist(Set.of("carol"));
        peers.sync(netmap(peer(2, "bob", bobKey, bobDisco.publicKey(), 1, "127.0.0.1:41641")));
        dataToBob(now);
        sent.clear();
        bobPeer().path().reset();
        prober.rediscover(now + MS);
        assertThat(sent).isEmpty();
    }

    /** Data goes to bob as in Magicsock.sendToPeer: the path routes it (which marks bob active), then the prober hears. */
    private void dataToBob(long at) {
        bobPeer().path().route(at);
        prober.onTraffic(bobPeer(), at);
    }

    /** The last ping the prober sent to {@code to}. */
    private Sent pingTo(InetSocketAddress to) {
        return sent.reversed().stream().filter(s -> to.equals(s.to()) && s.message() instanceof DiscoMessage.Ping)
                .findFirst().orElseThrow();
    }

    /** Bob's pong to one of our pings. */
    private byte[] bobAnswers(Sent ping) {
        try {
            byte[] tx = ((DiscoMessage.Ping) ping.message()).txId();
            InetSocketAddress seenAs = ping.to() != null ? OURS : DiscoEndpoint.derpPath(ping.region());
            return DiscoPacket.seal(bobDisco, ourDisco.publicKey(), new DiscoMessage.Pong(tx, seenAs));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Opens what we sent bob, with the box computed once: one X25519 per packet would make tests
     * slow. What we sent another peer is null.
     */
    private DiscoMessage openAsBob(byte[] packet) {
        try {
            if (bobBox == null) {
                bobBox = bobDisco.boxTo(ourDisco.publicKey());
            }
            return DiscoPacket.open(k -> bobBox, packet).message();
        } catch (Exception e) {
            return null;
        }
    }
}
