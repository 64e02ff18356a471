package io.microlink.netstack.tcp;

import static io.microlink.netstack.tcp.SimulatedNetwork.MS;
import static io.microlink.netstack.tcp.TcpSegment.ACK;
import static io.microlink.netstack.tcp.TcpSegment.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TcpStack#pathChanged}: after the data plane moved its paths (the node changed network or
 * uplink), data in flight goes again at once and the retransmission timer forgets the backoff it
 * built up while the old way was dead. The raw peer answers nothing unless a test says so: the
 * dead path.
 */
class TcpPathChangeTest {
    private static final byte[] LOCAL = TcpTransferTest.CLIENT_IP;
    private static final int PEER_ISN = 0x7000_0000;

    private final SimulatedNetwork net = new SimulatedNetwork(1);
    private final SimulatedNetwork.Node node = net.add(LOCAL, TcpConfig.defaults());
    private final RawPeer peer = new RawPeer(net, node, 5000);
    private int iss;

    /** An established connection whose handshake took no time, so its timeout is the 200 ms floor. */
    private TcpConnection connect() {
        TcpConnection c = node.stack.connect(LOCAL, RawPeer.IP, peer.port, net.now);
        iss = peer.receivedOne().seq;
        peer.send(c.localPort(), SYN | ACK, PEER_ISN, iss + 1);
        assertThat(peer.receivedOne().flags).isEqualTo(ACK);
        return c;
    }

    private void write(TcpConnection c, int bytes) {
        assertThat(c.write(new byte[bytes], 0, bytes)).isEqualTo(bytes);
        node.stack.flush(net.now);
    }

    /** Segments carrying the first unacknowledged byte, sent after {@code since}. */
    private List<SimulatedNetwork.Sent> firstSegmentSentAfter(long since) {
        return net.sent.stream().filter(s -> s.at() > since && s.parsed().seq == iss + 1
                && s.parsed().payloadLength > 0).toList();
    }

    @Test
    void dataInFlightGoesAgainAtOnceAndTheTimerForgetsTheDeadPathsBackoff() {
        TcpConnection c = connect();
        write(c, 100);
        long start = net.now;
        net.advance(1500 * MS); // timeouts at 200, 600 and 1400 ms; the next would be 3000 ms
        assertThat(firstSegmentSentAfter(start)).hasSize(3);

        long changed = net.now;
        node.stack.pathChanged(changed);
        List<SimulatedNetwork.Sent> now = firstSegmentSentAfter(changed - 1);
        assertThat(now).as("sent again at the change").hasSize(1);
        assertThat(now.getFirst().at()).isEqualTo(changed);
        assertThat(now.getFirst().parsed().payloadLength).isEqualTo(100);

        net.advance(300 * MS);
        List<SimulatedNetwork.Sent> after = firstSegmentSentAfter(changed);
        assertThat(after).as("the next timeout is the floor again, not 1.6 s").hasSize(1);
        assertThat(after.getFirst().at() - changed).isEqualTo(RttEstimator.MIN_RTO_NANOS);
    }

    @Test
    void dataSentJustBeforeTheChangeIsNotLeftToTheTimer() {
        TcpConnection c = connect();
        write(c, 3000);
        assertThat(peer.received()).hasSizeGreaterThan(1);
        long changed = net.now + MS;
        net.now = changed;
        node.stack.pathChanged(changed);
        List<TcpSegment> again = peer.received();
        assertThat(again).as("the whole flight again, at once").hasSize(3);
        assertThat(again.getFirst().seq).isEqualTo(iss + 1);
        assertThat(again.stream().mapToInt(s -> s.payloadLength).sum()).isEqualTo(3000);
    }

    @Test
    void duplicateAcksAfterTheChangeStillRetransmitFast() {
        TcpConnection c = connect();
        write(c, 3000);
        peer.received();
        node.stack.pathChanged(net.now);
        peer.received();
        // The first segment was lost again on the new path; the peer got the rest. (Its first
        // ACK carries the first scaled window, so it is not a duplicate yet.)
        for (int i = 0; i < 4; i++) {
            peer.send(c.localPort(), ACK, PEER_ISN + 1, iss + 1);
        }
        assertThat(peer.received()).as("fast retransmit, not a 200 ms timeout")
                .anyMatch(s -> s.seq == iss + 1 && s.payloadLength > 0);
    }

    @Test
    void aConnectionWithNothingInFlightSendsNothing() {
        TcpConnection c = connect();
        write(c, 100);
        peer.received();
        peer.send(c.localPort(), ACK, PEER_ISN + 1, iss + 101);
        node.stack.pathChanged(net.now);
        assertThat(peer.received()).isEmpty();
        assertThat(node.stack.nextTimerDeadline()).as("no retransmission armed").isGreaterThan(net.now + 1000 * MS);
    }

    @Test
    void aSynInFlightGoesAgainAtOnce() {
        node.stack.connect(LOCAL, RawPeer.IP, peer.port, net.now);
        long start = net.now;
        net.advance(1500 * MS); // the SYN's first timeout is 1 s, the next 2 s later
        assertThat(net.sent.stream().filter(s -> s.at() > start && s.parsed().has(SYN))).hasSize(1);
        long changed = net.now;
        node.stack.pathChanged(changed);
        assertThat(net.sent.stream().filter(s -> s.at() == changed && s.parsed().has(SYN))).hasSize(1);
        assertThat(node.stack.nextTimerDeadline()).isEqualTo(changed + RttEstimator.INITIAL_RTO_NANOS);
    }
}
