package io.microlink.netstack.tcp;

import static io.microlink.netstack.tcp.SimulatedNetwork.MS;
import static io.microlink.netstack.tcp.TcpSegment.ACK;
import static io.microlink.netstack.tcp.TcpSegment.FIN;
import static io.microlink.netstack.tcp.TcpSegment.PSH;
import static io.microlink.netstack.tcp.TcpSegment.RST;
import static io.microlink.netstack.tcp.TcpSegment.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 9293 transitions, driven segment by segment from a {@link RawPeer}. */
class TcpStateMachineTest {
    private static final byte[] LOCAL = TcpTransferTest.CLIENT_IP;
    private static final int PEER_ISN = 0x7000_0000;
    private static final long SECOND = 1000 * MS;

    private final SimulatedNetwork net = new SimulatedNetwork(1);
    private final SimulatedNetwork.Node node = net.add(LOCAL, TcpConfig.defaults().withMsl(Duration.ofSeconds(1)));
    private final RawPeer peer = new RawPeer(net, node, 5000);
    /** Our initial sequence number in the last handshake with the raw peer. */
    private int iss;

    /** A passive open completed by the raw peer; returns the accepted connection. */
    private TcpConnection acceptFromPeer(int port) {
        TcpListener l = node.stack.listen(port, 8);
        peer.send(port, SYN, PEER_ISN, 0);
        TcpSegment synAck = peer.receivedOne();
        assertThat(synAck.flags).isEqualTo(SYN | ACK);
        assertThat(synAck.ack).isEqualTo(PEER_ISN + 1);
        assertThat(synAck.mss).isEqualTo(1240);
        assertThat(synAck.windowShift).isGreaterThanOrEqualTo(0);
        iss = synAck.seq;
        peer.send(port, ACK, PEER_ISN + 1, iss + 1);
        TcpConnection c = l.accept();
        assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(c.sendMss()).as("the smaller MSS wins").isEqualTo(1000);
        return c;
    }

    /** An active open completed by the raw peer; returns the connection and our ISS. */
    private TcpConnection connectToPeer() {
        TcpConnection c = node.stack.connect(LOCAL, RawPeer.IP, peer.port, net.now);
        TcpSegment syn = peer.receivedOne();
        assertThat(syn.flags).isEqualTo(SYN);
        assertThat(c.state()).isEqualTo(TcpState.SYN_SENT);
        iss = syn.seq;
        peer.send(c.localPort(), SYN | ACK, PEER_ISN, iss + 1);
        assertThat(peer.receivedOne().flags).isEqualTo(ACK);
        return c;
    }

    @Test
    void segmentsForNoConnectionAreResetButResetsAreNot() {
        peer.send(80, SYN, 1234, 0);
        TcpSegment rst = peer.receivedOne();
        assertThat(rst.flags).isEqualTo(RST | ACK);
        assertThat(rst.seq).isZero();
        assertThat(rst.ack).isEqualTo(1235);

        peer.send(80, ACK | PSH, 1235, 999, 100, new byte[10]);
        rst = peer.receivedOne();
        assertThat(rst.flags).isEqualTo(RST);
        assertThat(rst.seq).isEqualTo(999);

        peer.send(80, RST, 1235, 0);
        assertThat(peer.received()).isEmpty();
    }

    @Test
    void passiveOpenDataFinAndLastAck() {
        TcpConnection c = acceptFromPeer(80);
        peer.send(80, ACK | PSH, PEER_ISN + 1, iss + 1, 65535, "hello".getBytes());
        // One segment is not acknowledged at once (delayed ACK)...
        assertThat(peer.received()).isEmpty();
        net.advance(41 * MS);
        TcpSegment ack = peer.receivedOne();
        assertThat(ack.ack).isEqualTo(PEER_ISN + 6);
        // ...but a second one is.
        peer.send(80, ACK, PEER_ISN + 6, ack.seq, 65535, new byte[1000]);
        peer.send(80, ACK, PEER_ISN + 1006, ack.seq, 65535, new byte[1000]);
        assertThat(peer.receivedOne().ack).isEqualTo(PEER_ISN + 2006);

        peer.send(80, FIN | ACK, PEER_ISN + 2006, ack.seq);
        assertThat(peer.receivedOne().ack).isEqualTo(PEER_ISN + 2007);
        assertThat(c.state()).isEqualTo(TcpState.CLOSE_WAIT);
        byte[] buf = new byte[4096];
        assertThat(c.read(buf, 0, buf.length)).isEqualTo(2005);
        assertThat(c.read(buf, 0, buf.length)).isEqualTo(-1);
        assertThat(node.events.acceptable).isEqualTo(1);
        assertThat(node.events.readable).isPositive();

        c.shutdownOutput();
        node.stack.flush(net.now);
        assertThat(c.state()).isEqualTo(TcpState.LAST_ACK);
        TcpSegment fin = peer.receivedOne();
        assertThat(fin.flags & FIN).isEqualTo(FIN);
        peer.send(80, ACK, PEER_ISN + 2007, fin.seq + 1);
        assertThat(c.state()).isEqualTo(TcpState.CLOSED);
        assertThat(c.error()).isNull();
        assertThat(node.stack.connectionCount()).isZero();
    }

    @Test
    void activeCloseGoesThroughFinWait2AndTimeWait() {
        TcpConnection c = connectToPeer();
        assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(node.events.connected).containsExactly(c);
        c.shutdownOutput();
        node.stack.flush(net.now);
        assertThat(c.state()).isEqualTo(TcpState.FIN_WAIT_1);
        TcpSegment fin = peer.receivedOne();
        peer.send(c.localPort(), ACK, PEER_ISN + 1, fin.seq + 1);
        assertThat(c.state()).isEqualTo(TcpState.FIN_WAIT_2);
        assertThat(c.write(new byte[1], 0, 1)).isEqualTo(-1);
        peer.send(c.localPort(), FIN | ACK, PEER_ISN + 1, fin.seq + 1);
        assertThat(c.state()).isEqualTo(TcpState.TIME_WAIT);
        assertThat(peer.receivedOne().ack).isEqualTo(PEER_ISN + 2);
        net.advance(1999 * MS);
        assertThat(c.state()).isEqualTo(TcpState.TIME_WAIT);
        net.advance(2 * MS);
        assertThat(c.state()).isEqualTo(TcpState.CLOSED);
        assertThat(node.stack.connectionCount()).isZero();
        assertThat(node.events.closed).containsExactly(c);
    }

    /** A server that closed first and waits in TIME-WAIT takes the client's next connection on that port pair. */
    @Test
    void aNewSynPastTimeWaitStartsANewConnection() {
        TcpListener l = node.stack.listen(81, 8);
        TcpConnection old = serverInTimeWait(l);
        peer.send(81, SYN, PEER_ISN + 100_000, 0);
        assertThat(old.state()).isEqualTo(TcpState.CLOSED);
        TcpSegment synAck = peer.receivedOne();
        assertThat(synAck.flags).isEqualTo(SYN | ACK);
        assertThat(synAck.ack).isEqualTo(PEER_ISN + 100_001);
        peer.send(81, ACK, PEER_ISN + 100_001, synAck.seq + 1);
        assertThat(l.accept().state()).isEqualTo(TcpState.ESTABLISHED);
    }

    /** An old or replayed SYN (at or before what TIME-WAIT already received) must not end it. */
    @Test
    void aSynNotPastTimeWaitIsChallengedNotAccepted() {
        TcpConnection old = serverInTimeWait(node.stack.listen(81, 8));
        peer.send(81, SYN, PEER_ISN, 0);
        assertThat(old.state()).isEqualTo(TcpState.TIME_WAIT);
        assertThat(peer.receivedOne().flags).isEqualTo(ACK);
    }

    /** A connection on port 81 from the raw peer that we closed first, now in TIME-WAIT. */
    private TcpConnection serverInTimeWait(TcpListener l) {
        peer.send(81, SYN, PEER_ISN, 0);
        iss = peer.receivedOne().seq;
        peer.send(81, ACK, PEER_ISN + 1, iss + 1);
        TcpConnection c = l.accept();
        c.shutdownOutput();
        node.stack.flush(net.now);
        TcpSegment fin = peer.receivedOne();
        peer.send(81, FIN | ACK, PEER_ISN + 1, fin.seq + 1);
        assertThat(c.state()).isEqualTo(TcpState.TIME_WAIT);
        peer.receivedOne();
        return c;
    }

    @Test
    void finWhileOurFinIsUnacknowledgedIsClosing() {
        TcpConnection c = connectToPeer();
        c.shutdownOutput();
        node.stack.flush(net.now);
        TcpSegment fin = peer.receivedOne();
        peer.send(c.localPort(), FIN | ACK, PEER_ISN + 1, fin.seq);
        assertThat(c.state()).isEqualTo(TcpState.CLOSING);
        peer.send(c.localPort(), ACK, PEER_ISN + 2, fin.seq + 1);
        assertThat(c.state()).isEqualTo(TcpState.TIME_WAIT);
    }

    @Test
    void simultaneousOpen() {
        TcpConnection c = node.stack.connect(LOCAL, RawPeer.IP, peer.port, net.now);
        int iss = peer.receivedOne().seq;
        peer.send(c.localPort(), SYN, PEER_ISN, 0);
        assertThat(c.state()).isEqualTo(TcpState.SYN_RECEIVED);
        TcpSegment synAck = peer.receivedOne();
        assertThat(synAck.flags).isEqualTo(SYN | ACK);
        assertThat(synAck.seq).isEqualTo(iss);
        assertThat(synAck.ack).isEqualTo(PEER_ISN + 1);
        peer.send(c.localPort(), SYN | ACK, PEER_ISN, iss + 1);
        assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void simultaneousCloseBetweenTwoStacks() {
        SimulatedNetwork.Node server = net.add(TcpTransferTest.SERVER_IP, TcpConfig.defaults().withMsl(Duration.ofSeconds(1)));
        TcpListener l = server.stack.listen(7, 1);
        TcpConnection a = node.stack.connect(LOCAL, TcpTransferTest.SERVER_IP, 7, net.now);
        assertThat(net.runUntil(() -> l.pending() == 1, SECOND)).isTrue();
        TcpConnection b = l.accept();
        a.shutdownOutput();
        b.shutdownOutput();
        node.stack.flush(net.now);
        server.stack.flush(net.now);
        assertThat(net.runUntil(() -> a.state() == TcpState.TIME_WAIT && b.state() == TcpState.TIME_WAIT, SECOND)).isTrue();
        assertThat(net.runUntil(() -> a.state() == TcpState.CLOSED && b.state() == TcpState.CLOSED, 3 * SECOND)).isTrue();
        assertThat(a.error()).isNull();
        assertThat(b.error()).isNull();
    }

    @Test
    void resetAnswersSynSentAsRefused() {
        TcpConnection c = node.stack.connect(LOCAL, RawPeer.IP, peer.port, net.now);
        int iss = peer.receivedOne().seq;
        peer.send(c.localPort(), RST | ACK, 0, iss + 5);
        assertThat(c.state()).as("an RST with an unacceptable ACK is ignored").isEqualTo(TcpState.SYN_SENT);
        peer.send(c.localPort(), RST | ACK, 0, iss + 1);
        assertThat(c.state()).isEqualTo(TcpState.CLOSED);
        assertThat(c.error()).isEqualTo(TcpError.REFUSED);
    }

    @Test
    void resetInSynReceivedFreesTheBacklogSlot() {
        TcpListener l = node.stack.listen(80, 1);
        peer.send(80, SYN, PEER_ISN, 0);
        peer.receivedOne();
        new RawPeer(net, node, 5001).send(80, SYN, PEER_ISN, 0);
        assertThat(peer.received()).as("beyond the backlog: dropped, not reset").isEmpty();
        peer.send(80, RST, PEER_ISN + 1, 0);
        assertThat(node.stack.connectionCount()).isZero();
        new RawPeer(net, node, 5002).send(80, SYN, PEER_ISN, 0);
        assertThat(peer.received()).hasSize(1);
        assertThat(l.pending()).isZero();
    }

    @Test
    void resetInEachSynchronizedState() {
        for (TcpState target : List.of(TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2,
                TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSING, TcpState.TIME_WAIT)) {
            SimulatedNetwork n = new SimulatedNetwork(2);
            SimulatedNetwork.Node host = n.add(LOCAL, TcpConfig.defaults());
            RawPeer p = new RawPeer(n, host, 6000);
            TcpConnection c = host.stack.connect(LOCAL, RawPeer.IP, p.port, n.now);
            int iss = p.receivedOne().seq;
            p.send(c.localPort(), SYN | ACK, PEER_ISN, iss + 1);
            int rcv = PEER_ISN + 1;
            boolean ourFin = target != TcpState.ESTABLISHED && target != TcpState.CLOSE_WAIT;
            boolean peerFin = target == TcpState.CLOSE_WAIT || target == TcpState.LAST_ACK
                    || target == TcpState.CLOSING || target == TcpState.TIME_WAIT;
            if (target == TcpState.CLOSE_WAIT || target == TcpState.LAST_ACK) {
                p.send(c.localPort(), FIN | ACK, rcv++, iss + 1);
            }
            if (ourFin) {
                c.shutdownOutput();
                host.stack.flush(n.now);
            }
            boolean finAcked = target == TcpState.FIN_WAIT_2 || target == TcpState.TIME_WAIT;
            if (peerFin && target != TcpState.LAST_ACK && target != TcpState.CLOSE_WAIT) {
                p.send(c.localPort(), FIN | ACK, rcv++, finAcked ? iss + 2 : iss + 1);
            } else if (finAcked) {
                p.send(c.localPort(), ACK, rcv, iss + 2);
            }
            assertThat(c.state()).isEqualTo(target);
            p.received();

            p.send(c.localPort(), RST, rcv + 100, 0);
            assertThat(c.state()).as("in-window RST is challenged in %s", target).isEqualTo(target);
            if (target != TcpState.TIME_WAIT) {
                assertThat(p.receivedOne().flags).isEqualTo(ACK);
            }
            p.send(c.localPort(), RST, rcv, 0);
            assertThat(c.state()).isEqualTo(TcpState.CLOSED);
            boolean orderly = target == TcpState.LAST_ACK || target == TcpState.CLOSING || target == TcpState.TIME_WAIT;
            assertThat(c.error()).as(target.name()).isEqualTo(orderly ? null : TcpError.RESET);
        }
    }

    @Test
    void synInEstablishedGetsAChallengeAck() {
        TcpConnection c = connectToPeer();
        peer.send(c.localPort(), SYN, PEER_ISN + 50, 0);
        TcpSegment challenge = peer.receivedOne();
        assertThat(challenge.flags).isEqualTo(ACK);
        assertThat(challenge.ack).isEqualTo(PEER_ISN + 1);
        assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void sequenceNumbersWrapAround() {
        TcpListener l = node.stack.listen(80, 8);
        int isn = 0xffff_fe00;
        peer.send(80, SYN, isn, 0);
        int iss = peer.receivedOne().seq;
        peer.send(80, ACK, isn + 1, iss + 1);
        TcpConnection c = l.accept();
        byte[] data = TcpTransferTest.randomBytes(9, 1800);
        // The second segment arrives first and straddles 2^32.
        peer.send(80, ACK, isn + 1 + 900, iss + 1, 65535, java.util.Arrays.copyOfRange(data, 900, 1800));
        assertThat(peer.receivedOne().ack).as("out of order: duplicate ACK at once").isEqualTo(isn + 1);
        peer.send(80, ACK, isn + 1, iss + 1, 65535, java.util.Arrays.copyOfRange(data, 0, 900));
        assertThat(peer.receivedOne().ack).isEqualTo(isn + 1 + 1800);
        byte[] got = new byte[4000];
        assertThat(c.read(got, 0, got.length)).isEqualTo(1800);
        assertThat(java.util.Arrays.copyOf(got, 1800)).isEqualTo(data);
    }

    @Test
    void synRetransmissionsBackOffExponentiallyThenTimeOut() {
        TcpConnection c = node.stack.connect(LOCAL, RawPeer.IP, peer.port, net.now);
        net.advance(200 * SECOND);
        List<SimulatedNetwork.Sent> syns = net.sent.stream().filter(s -> s.parsed().has(SYN)).toList();
        assertThat(syns).hasSize(7);
        for (int i = 1; i < syns.size(); i++) {
            assertThat(syns.get(i).at() - syns.get(i - 1).at()).isEqualTo((1L << (i - 1)) * SECOND);
        }
        assertThat(c.state()).isEqualTo(TcpState.CLOSED);
        assertThat(c.error()).isEqualTo(TcpError.TIMED_OUT);
    }

    @Test
    void dataRetransmissionTimerDoublesEachTime() {
        TcpConnection c = connectToPeer();
        c.write(new byte[100], 0, 100);
        node.stack.flush(net.now);
        long first = net.now;
        peer.receivedOne();
        net.advance(10 * SECOND);
        List<SimulatedNetwork.Sent> resent = net.sent.stream().filter(s -> s.at() > first).toList();
        assertThat(resent).hasSizeGreaterThanOrEqualTo(3);
        long gap1 = resent.get(1).at() - resent.get(0).at();
        long gap2 = resent.get(2).at() - resent.get(1).at();
        assertThat(gap2).isEqualTo(2 * gap1);
        assertThat(resent.getFirst().at() - first).isGreaterThanOrEqualTo(RttEstimator.MIN_RTO_NANOS);
    }

    /** Writes {@code bytes} on {@code c} and returns the segments that went out at once. */
    private List<TcpSegment> writeAndFlush(TcpConnection c, int bytes) {
        assertThat(c.write(new byte[bytes], 0, bytes)).isEqualTo(bytes);
        node.stack.flush(net.now);
        return peer.received();
    }

    @Test
    void threeDuplicateAcksTriggerFastRetransmit() {
        TcpConnection c = connectToPeer();
        List<TcpSegment> flight = writeAndFlush(c, 10_000);
        assertThat(flight).hasSizeGreaterThanOrEqualTo(3);
        int una = flight.getFirst().seq;
        peer.send(c.localPort(), ACK, PEER_ISN + 1, una + 1000);
        peer.received();
        for (int i = 0; i < 2; i++) {
            peer.send(c.localPort(), ACK, PEER_ISN + 1, una + 1000);
        }
        assertThat(peer.received().stream().filter(s -> s.seq == una + 1000)).isEmpty();
        peer.send(c.localPort(), ACK, PEER_ISN + 1, una + 1000);
        assertThat(peer.received().stream().filter(s -> s.seq == una + 1000 && s.payloadLength == 1000)).hasSize(1);
    }

    @Test
    void zeroWindowIsProbedWithBackoffUntilItOpens() {
        TcpConnection c = connectToPeer();
        List<TcpSegment> sent = writeAndFlush(c, 6000);
        int una = sent.getFirst().seq;
        int acked = sent.stream().mapToInt(s -> s.payloadLength).sum();
        peer.send(c.localPort(), ACK, PEER_ISN + 1, una + acked, 0, new byte[0]);
        net.advance(5 * SECOND);
        List<SimulatedNetwork.Sent> probes = net.sent.stream()
                .filter(s -> s.parsed().seq == una + acked - 1 && s.parsed().payloadLength == 0).toList();
        assertThat(probes).hasSizeGreaterThanOrEqualTo(3);
        assertThat(probes.get(2).at() - probes.get(1).at()).isEqualTo(2 * (probes.get(1).at() - probes.get(0).at()));
        peer.received();
        peer.send(c.localPort(), ACK, PEER_ISN + 1, una + acked, 65535, new byte[0]);
        assertThat(peer.received().stream().mapToInt(s -> s.payloadLength).sum()).isEqualTo(6000 - acked);
        assertThat(node.events.writable).as("acknowledged data frees the send buffer").isPositive();
    }

    @Test
    void readerDrainingAZeroWindowSendsAWindowUpdate() {
        SimulatedNetwork.Node server = net.add(TcpTransferTest.SERVER_IP,
                TcpConfig.defaults().withBufferSizes(8192, 8192));
        TcpListener l = server.stack.listen(9, 1);
        TcpConnection a = node.stack.connect(LOCAL, TcpTransferTest.SERVER_IP, 9, net.now);
        assertThat(net.runUntil(() -> l.pending() == 1, SECOND)).isTrue();
        TcpConnection b = l.accept();
        byte[] data = new byte[20_000];
        int written = a.write(data, 0, data.length);
        node.stack.flush(net.now);
        net.advance(2 * SECOND);
        assertThat(b.available()).isEqualTo(8192);
        int before = net.sent.size();
        byte[] sink = new byte[8192];
        b.read(sink, 0, sink.length);
        server.stack.flush(net.now);
        TcpSegment update = net.sent.get(before).parsed();
        assertThat(update.dstPort).isEqualTo(a.localPort());
        assertThat(update.window).isPositive();
        assertThat(net.runUntil(() -> b.available() == 8192, SECOND)).isTrue();
        assertThat(written).isEqualTo(20_000);
    }

    @Test
    void readingAnnouncesTheWindowOnlyOnceThePeerHasHalfTheBufferOrLessLeft() {
        SimulatedNetwork n = new SimulatedNetwork(4);
        SimulatedNetwork.Node host = n.add(LOCAL, TcpConfig.defaults().withBufferSizes(48 * 1024, 48 * 1024));
        RawPeer p = new RawPeer(n, host, 6000);
        TcpListener l = host.stack.listen(80, 1);
        p.send(80, SYN, PEER_ISN, 0);
        int ourIss = p.receivedOne().seq;
        p.send(80, ACK, PEER_ISN + 1, ourIss + 1);
        TcpConnection c = l.accept();
        int seq = PEER_ISN + 1;
        byte[] sink = new byte[48 * 1024];

        for (int i = 0; i < 10; i++, seq += 1000) {
            p.send(80, ACK, seq, ourIss + 1, 65535, new byte[1000]);
        }
        p.received();
        assertThat(c.read(sink, 0, sink.length)).isEqualTo(10_000);
        host.stack.flush(n.now);
        assertThat(p.received()).as("38 KiB of 48 still open: the peer's next data draws the ACK").isEmpty();

        for (int i = 0; i < 30; i++, seq += 1000) {
            p.send(80, ACK, seq, ourIss + 1, 65535, new byte[1000]);
        }
        List<TcpSegment> acks = p.received();
        int offeredBefore = acks.getLast().window;
        assertThat(c.read(sink, 0, sink.length)).isEqualTo(30_000);
        host.stack.flush(n.now);
        TcpSegment update = p.receivedOne();
        assertThat(update.ack).isEqualTo(seq);
        assertThat(update.payloadLength).isZero();
        assertThat(update.window).as("18 KiB left of 48: reading 30 KB is announced at once").isGreaterThan(offeredBefore);
    }

    @Test
    void keepAliveProbesAnIdlePeerAndTimesOut() {
        SimulatedNetwork n = new SimulatedNetwork(3);
        SimulatedNetwork.Node host = n.add(LOCAL, TcpConfig.defaults()
                .withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(1), 3));
        RawPeer p = new RawPeer(n, host, 6000);
        TcpConnection c = host.stack.connect(LOCAL, RawPeer.IP, p.port, n.now);
        int iss = p.receivedOne().seq;
        p.send(c.localPort(), SYN | ACK, PEER_ISN, iss + 1);
        p.received();
        n.advance(10 * SECOND + 1);
        TcpSegment probe = p.receivedOne();
        assertThat(probe.seq).isEqualTo(iss);
        assertThat(probe.payloadLength).isZero();
        n.advance(4 * SECOND);
        assertThat(c.error()).isEqualTo(TcpError.TIMED_OUT);
    }

    @Test
    void connectionBoundIsEnforced() {
        SimulatedNetwork n = new SimulatedNetwork(4);
        SimulatedNetwork.Node host = n.add(LOCAL, TcpConfig.defaults().withMaxConnections(2));
        host.stack.connect(LOCAL, RawPeer.IP, 1, n.now);
        host.stack.connect(LOCAL, RawPeer.IP, 1, n.now);
        assertThatThrownBy(() -> host.stack.connect(LOCAL, RawPeer.IP, 1, n.now)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWithUnreadDataResets() {
        TcpConnection c = connectToPeer();
        peer.send(c.localPort(), ACK, PEER_ISN + 1, iss + 1, 65535, new byte[10]);
        c.close();
        node.stack.flush(net.now);
        assertThat(peer.received().getLast().flags).isEqualTo(RST);
        assertThat(c.error()).isEqualTo(TcpError.ABORTED);
    }
}
