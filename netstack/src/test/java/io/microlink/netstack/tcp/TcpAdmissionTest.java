package io.microlink.netstack.tcp;

import static io.microlink.netstack.tcp.TcpSegment.ACK;
import static io.microlink.netstack.tcp.TcpSegment.RST;
import static io.microlink.netstack.tcp.TcpSegment.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a peer can make the stack hold: a SYN flood fills at most the half-open limit and takes
 * no buffer memory; past the connection limit or the buffer budget a SYN is refused with RST;
 * a connection whose first data would pass the budget is reset.
 */
class TcpAdmissionTest {
    private static final byte[] LOCAL = TcpTransferTest.CLIENT_IP;
    private static final int PEER_ISN = 0x1000;

    private final SimulatedNetwork net = new SimulatedNetwork(7);

    /** The one segment sent to {@code peer}'s port since it last looked. */
    private static TcpSegment one(RawPeer peer) {
        List<TcpSegment> got = peer.receivedOnPort();
        assertThat(got).hasSize(1);
        return got.getFirst();
    }

    @Test
    void aSynFloodFromOnePeerCannotPassTheHalfOpenLimitAndTakesNoBufferMemory() {
        SimulatedNetwork.Node node = net.add(LOCAL, TcpConfig.defaults());
        node.stack.listen(80, 1_000_000); // an application that asked for a huge backlog
        for (int port = 1; port <= 20_000; port++) {
            new RawPeer(net, node, port).send(80, SYN, PEER_ISN, 0);
        }
        assertThat(node.stack.connectionCount()).isEqualTo(TcpConfig.defaults().maxHalfOpen());
        assertThat(node.stack.halfOpenCount()).isEqualTo(TcpConfig.defaults().maxHalfOpen());
        assertThat(node.stack.bufferMemory()).isZero();
    }

    @Test
    void aHalfOpenSlotComesBackWhenTheHandshakeCompletes() {
        SimulatedNetwork.Node node = net.add(LOCAL, TcpConfig.defaults().withMaxHalfOpen(1));
        TcpListener l = node.stack.listen(80, 16);
        RawPeer first = new RawPeer(net, node, 5000);
        first.send(80, SYN, PEER_ISN, 0);
        int iss = one(first).seq;
        RawPeer second = new RawPeer(net, node, 5001);
        second.send(80, SYN, PEER_ISN, 0);
        assertThat(second.receivedOnPort()).as("over the half-open limit: dropped, so the client retries").isEmpty();
        first.send(80, ACK, PEER_ISN + 1, iss + 1);
        assertThat(l.pending()).isEqualTo(1);
        second.send(80, SYN, PEER_ISN, 0);
        assertThat(one(second).flags).isEqualTo(SYN | ACK);
    }

    @Test
    void aTransparentListenersShareBoundsOneSourcesHalfOpenConnectionsAndNotAnothers() {
        SimulatedNetwork.Node node = net.add(LOCAL, TcpConfig.defaults());
        TcpListener l = node.stack.listenTransparent(100, 4);
        byte[] elsewhere = {100, 64, 0, 99};
        byte[] flooder = {10, 90, 0, 2};
        List<RawPeer> flood = new ArrayList<>();
        List<List<TcpSegment>> answers = new ArrayList<>();
        for (int port = 1; port <= 10; port++) {
            RawPeer p = new RawPeer(net, node, flooder, elsewhere, port);
            p.send(80, SYN, PEER_ISN, 0);
            flood.add(p);
            answers.add(p.receivedOnPort());
        }
        assertThat(answers).map(List::size).as("the flooder's share of the backlog answered, the rest dropped")
                .containsExactly(1, 1, 1, 1, 0, 0, 0, 0, 0, 0);
        assertThat(node.stack.halfOpenCount()).isEqualTo(4);

        RawPeer other = new RawPeer(net, node, new byte[] {10, 90, 0, 3}, elsewhere, 1);
        other.send(80, SYN, PEER_ISN, 0);
        assertThat(one(other).flags).as("another source still gets in").isEqualTo(SYN | ACK);

        // A completed handshake gives the flooder one slot back.
        flood.getFirst().send(80, ACK, PEER_ISN + 1, answers.getFirst().getFirst().seq + 1);
        assertThat(l.pending()).isEqualTo(1);
        RawPeer next = flood.get(4);
        next.send(80, SYN, PEER_ISN, 0);
        assertThat(one(next).flags).isEqualTo(SYN | ACK);
    }

    @Test
    void pastTheConnectionLimitASynIsRefusedWithReset() {
        SimulatedNetwork.Node node = net.add(LOCAL, TcpConfig.defaults().withMaxConnections(3));
        node.stack.listen(80, 100);
        for (int port = 1; port <= 3; port++) {
            new RawPeer(net, node, port).send(80, SYN, PEER_ISN, 0);
        }
        RawPeer late = new RawPeer(net, node, 4);
        late.send(80, SYN, PEER_ISN, 0);
        TcpSegment answer = one(late);
        assertThat(answer.flags).isEqualTo(RST | ACK);
        assertThat(answer.ack).isEqualTo(PEER_ISN + 1);
        assertThat(node.stack.connectionCount()).isEqualTo(3);
    }

    @Test
    void buffersTakeMemoryOnlyWithDataAndThePastTheBudgetTheNextSynIsRefused() {
        int initial = TcpConfig.INITIAL_BUFFER_BYTES;
        // Room for two receive buffers, or one connection's pair.
        SimulatedNetwork.Node node = net.add(LOCAL, TcpConfig.defaults().withMaxBufferBytes(2L * initial));
        TcpListener l = node.stack.listen(80, 100);
        List<RawPeer> peers = List.of(new RawPeer(net, node, 1), new RawPeer(net, node, 2), new RawPeer(net, node, 3));
        int[] iss = new int[3];
        for (int i = 0; i < 2; i++) {
            RawPeer p = peers.get(i);
            p.send(80, SYN, PEER_ISN, 0);
            iss[i] = one(p).seq;
            p.send(80, ACK, PEER_ISN + 1, iss[i] + 1);
        }
        assertThat(l.pending()).isEqualTo(2);
        assertThat(node.stack.bufferMemory()).as("established but idle").isZero();

        peers.get(0).send(80, ACK, PEER_ISN + 1, iss[0] + 1, 65535, new byte[100]);
        assertThat(node.stack.bufferMemory()).isEqualTo(initial);
        peers.get(1).send(80, ACK, PEER_ISN + 1, iss[1] + 1, 65535, new byte[100]);
        assertThat(node.stack.bufferMemory()).isEqualTo(2L * initial);

        RawPeer late = peers.get(2);
        late.send(80, SYN, PEER_ISN, 0);
        assertThat(one(late).flags).as("the budget is spent: refused").isEqualTo(RST | ACK);
    }

    @Test
    void aConnectionWhoseFirstDataWouldPassTheBudgetIsReset() {
        int initial = TcpConfig.INITIAL_BUFFER_BYTES;
        SimulatedNetwork.Node node = net.add(LOCAL, TcpConfig.defaults().withMaxBufferBytes(2L * initial));
        TcpListener l = node.stack.listen(80, 100);
        RawPeer a = new RawPeer(net, node, 1);
        RawPeer b = new RawPeer(net, node, 2);
        a.send(80, SYN, PEER_ISN, 0); // both admitted while no buffer holds memory
        b.send(80, SYN, PEER_ISN, 0);
        int issA = one(a).seq;
        int issB = one(b).seq;
        a.send(80, ACK, PEER_ISN + 1, issA + 1);
        b.send(80, ACK, PEER_ISN + 1, issB + 1);
        TcpConnection ca = l.accept();
        TcpConnection cb = l.accept();
        a.send(80, ACK, PEER_ISN + 1, issA + 1, 65535, new byte[100]);
        assertThat(ca.write(new byte[10], 0, 10)).isEqualTo(10); // a holds both its buffers: the budget is spent
        node.stack.flush(net.now);
        a.receivedOnPort();

        b.send(80, ACK, PEER_ISN + 1, issB + 1, 65535, new byte[100]);
        assertThat(cb.state()).isEqualTo(TcpState.CLOSED);
        assertThat(cb.error()).isEqualTo(TcpError.ABORTED);
        assertThat(b.receivedOnPort()).anySatisfy(seg -> assertThat(seg.flags & RST).isNotZero());
        assertThat(node.stack.bufferMemory()).isEqualTo(2L * initial);
        assertThat(ca.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void aFloodOfConnectionsCarryingDataIsHeldToTheBudgetAndCounted() {
        int initial = TcpConfig.INITIAL_BUFFER_BYTES;
        int budgeted = 8; // receive buffers the budget holds
        SimulatedNetwork.Node node = net.add(LOCAL, TcpConfig.defaults().withMaxBufferBytes((long) budgeted * initial));
        TcpListener l = node.stack.listen(80, 1000);
        int flood = 200;
        int refused = 0;
        for (int port = 1; port <= flood; port++) {
            RawPeer p = new RawPeer(net, node, port);
            p.send(80, SYN, PEER_ISN, 0);
            TcpSegment answer = one(p);
            if (answer.has(RST)) {
                refused++;
                continue;
            }
            p.send(80, ACK, PEER_ISN + 1, answer.seq + 1);
            p.send(80, ACK, PEER_ISN + 1, answer.seq + 1, 65535, new byte[100]);
        }
        // A SYN is taken only while a whole pair of buffers fits: seven connections holding a
        // receive buffer each leave less than that.
        int admitted = budgeted - 1;
        assertThat(node.stack.bufferMemory()).isEqualTo((long) admitted * initial);
        assertThat(l.pending()).isEqualTo(admitted);
        assertThat(refused).isEqualTo(flood - admitted);
        assertThat(node.stack.bufferRefusals()).isEqualTo(refused);
    }
}
