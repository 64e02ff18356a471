package io.microlink.wireguard.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.wireguard.noise.Protocol;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngineHandshakeTest {

    @Test
    void firstPacketTriggersHandshakeAndIsDeliveredAfterIt() {
        Wire w = new Wire();
        w.sendFromA(100);
        assertThat(w.inFlight).hasSize(1);
        assertThat(w.inFlight.peek().type()).isEqualTo(1);
        w.pump();
        assertThat(w.deliveredAtB).singleElement().satisfies(p -> assertThat(p).isEqualTo(Wire.ipv4("10.0.0.1", "10.0.0.2", 100)));
        assertThat(w.bAtA.handshakesCompleted()).isEqualTo(1);
        assertThat(w.aAtB.handshakesCompleted()).isEqualTo(1);
        assertThat(w.aAtB.endpoint()).isEqualTo(Wire.ADDR_A);
        w.sendFromB(60);
        w.pump();
        assertThat(w.deliveredAtA).hasSize(1);
    }

    @Test
    void presharedKeyMismatchFailsHandshake() {
        byte[] psk = new byte[32];
        psk[0] = 1;
        Wire w = new Wire(EngineSettings.DEFAULT, psk);
        // B forgets the PSK: its response cannot authenticate at A.
        w.b.removePeer(w.aAtB);
        Peer noPsk = w.b.addPeer(new PeerSpec(w.a.publicKey(), null, null, 0, false));
        w.b.allowedIps().insert(Wire.ip("10.0.0.1"), 32, noPsk);
        w.sendFromA(100);
        w.pump();
        assertThat(w.deliveredAtB).isEmpty();
        assertThat(w.a.counters().get(Counters.Event.DROPPED_HANDSHAKE_FAILED)).isEqualTo(1);
        assertThat(w.bAtA.hasSession()).isFalse();
    }

    @Test
    void presharedKeyOnBothSidesWorks() {
        byte[] psk = new byte[32];
        psk[5] = 9;
        Wire w = new Wire(EngineSettings.DEFAULT, psk);
        w.sendFromA(100);
        w.pump();
        assertThat(w.deliveredAtB).hasSize(1);
    }

    @Test
    void replayedInitiationIsRejectedByTimestamp() {
        Wire w = new Wire();
        w.sendFromA(100);
        Wire.Datagram initiation = w.inFlight.peek();
        w.pump();
        w.clock.advance(Duration.ofSeconds(1));
        w.deliver(initiation);
        assertThat(w.b.counters().get(Counters.Event.DROPPED_INITIATION_REPLAY)).isEqualTo(1);
        assertThat(w.inFlight).isEmpty();
    }

    @Test
    void replayedAndForgedTransportPacketsAreDroppedAndCounted() {
        Wire w = new Wire();
        w.sendFromA(100);
        w.pump();
        w.sendFromA(200);
        Wire.Datagram data = w.inFlight.poll();
        w.deliver(data);
        w.deliver(data);
        byte[] forged = data.bytes().clone();
        forged[forged.length - 1] ^= 1;
        forged[8] = 99; // a fresh counter, so only the tag can catch it
        w.deliver(new Wire.Datagram(data.from(), data.to(), forged));
        assertThat(w.deliveredAtB).hasSize(2);
        assertThat(w.b.counters().get(Counters.Event.DROPPED_REPLAY)).isEqualTo(1);
        assertThat(w.b.counters().get(Counters.Event.DROPPED_AUTH_FAILED)).isEqualTo(1);
    }

    @Test
    void paddingRoundsToSixteenButNotPastMtu() {
        assertThat(Peer.paddedLength(0, 1420)).isZero();
        assertThat(Peer.paddedLength(1, 1420)).isEqualTo(16);
        assertThat(Peer.paddedLength(1419, 1420)).isEqualTo(1420);
        assertThat(Peer.paddedLength(1500, 1420)).isEqualTo(1500);
        Wire w = new Wire();
        w.sendFromA(100);
        w.pump();
        w.sendFromA(21);
        assertThat(w.inFlight.peek().bytes()).hasSize(Protocol.TRANSPORT_HEADER_SIZE + 32 + Protocol.TAG_LENGTH);
        w.pump();
        assertThat(w.deliveredAtB.getLast()).hasSize(21);
    }

    @Test
    void packetFromAddressOutsideAllowedIpsIsDropped() {
        Wire w = new Wire();
        w.sendFromA(100);
        w.pump();
        Wire.send(w.a, w.netA, Wire.ipv4("10.0.0.9", "10.0.0.2", 60));
        w.pump();
        assertThat(w.deliveredAtB).hasSize(1);
        assertThat(w.b.counters().get(Counters.Event.DROPPED_SOURCE_NOT_ALLOWED)).isEqualTo(1);
    }

    @Test
    void endpointFollowsLatestAuthenticatedPacket() {
        Wire w = new Wire();
        w.sendFromA(100);
        w.pump();
        w.sendFromA(100);
        Wire.Datagram d = w.inFlight.poll();
        var moved = Wire.udp("198.51.100.7", 40000);
        w.deliver(new Wire.Datagram(moved, d.to(), d.bytes()));
        assertThat(w.aAtB.endpoint()).isEqualTo(moved);
        // A forged packet from elsewhere does not move it.
        byte[] forged = d.bytes().clone();
        forged[8]++;
        w.deliver(new Wire.Datagram(Wire.ADDR_A, d.to(), forged));
        assertThat(w.aAtB.endpoint()).isEqualTo(moved);
    }

    @Test
    void withoutRoamingTheEndpointStaysWhereItWasSet() {
        Wire w = new Wire(EngineSettings.DEFAULT.withRoaming(false), null);
        w.sendFromA(100);
        w.pump();
        w.sendFromA(100);
        Wire.Datagram d = w.inFlight.poll();
        var elsewhere = Wire.udp("198.51.100.7", 40000);
        w.deliver(new Wire.Datagram(elsewhere, d.to(), d.bytes()));
        assertThat(w.deliveredAtB).hasSize(2);
        // B was configured without an endpoint for A and learns none from A's packets either.
        assertThat(w.aAtB.endpoint()).isNull();
    }
}
