package io.microlink.netstack.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.netstack.Headroom;
import io.microlink.netstack.ip.IpPacket;
import io.microlink.netstack.ip.IpPacketBuilder;
import io.microlink.netstack.ip.IpProtocol;
import io.microlink.netstack.tcp.TcpConfig;
import io.microlink.netstack.tcp.TcpSegment;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A SYN whose TCP checksum is wrong: refused as corrupt when it comes from an unauthenticated
 * link (a TUN device), taken when WireGuard vouched for its bytes, as gVisor's
 * RXChecksumOffload does.
 */
@Timeout(30)
class NetstackLinkAuthenticationTest {
    private static final byte[] PEER = {100, 64, 0, 2};
    private static final byte[] OWN = {100, 64, 0, 1};
    private static final int PORT = 80;

    private final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private Netstack stack;
    private TailnetServerSocket server;

    @BeforeEach
    void start() throws Exception {
        stack = new Netstack(TcpConfig.defaults(), (buf, off, len) -> sent.add(Arrays.copyOfRange(buf, off, off + len)),
                Headroom.NONE);
        stack.setAddresses(List.of(InetAddress.getByAddress(OWN)));
        server = stack.listen(PORT, 8);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        stack.close();
    }

    @Test
    void aBadChecksumIsDroppedUnlessTheLinkAuthenticatedThePacket() throws Exception {
        byte[] fromTun = synWithBadChecksum(40001);
        stack.inbound(fromTun, 0, fromTun.length);
        byte[] unauthenticated = synWithBadChecksum(40002);
        stack.inbound(unauthenticated, 0, unauthenticated.length, false);
        byte[] batchedFromTun = synWithBadChecksum(40003);
        stack.inboundOfBatch(IpPacket.parse(batchedFromTun, 0, batchedFromTun.length));
        stack.endOfBatch();
        assertThat(sent).as("unauthenticated input with a bad checksum gets no answer").isEmpty();

        byte[] viaWireGuard = synWithBadChecksum(40004);
        stack.inbound(viaWireGuard, 0, viaWireGuard.length, true);
        assertThat(sent).singleElement().satisfies(p -> assertThat(synAckTo(p)).isEqualTo(40004));

        byte[] batched = synWithBadChecksum(40005);
        stack.inboundOfBatch(IpPacket.parse(batched, 0, batched.length), true);
        stack.endOfBatch();
        assertThat(sent).hasSize(2);
        assertThat(synAckTo(sent.get(1))).isEqualTo(40005);
    }

    /** The destination port of a SYN-ACK from our listener, or -1 for anything else. */
    private static int synAckTo(byte[] packet) throws Exception {
        IpPacket p = IpPacket.parse(packet, 0, packet.length);
        TcpSegment seg = new TcpSegment();
        boolean valid = seg.parse(p.source(), p.destination(), p.buffer(), p.payloadOffset(), p.payloadLength());
        return valid && seg.srcPort == PORT && seg.has(TcpSegment.SYN) && seg.has(TcpSegment.ACK) ? seg.dstPort : -1;
    }

    private static byte[] synWithBadChecksum(int sourcePort) {
        TcpSegment seg = new TcpSegment();
        seg.clear();
        seg.srcPort = sourcePort;
        seg.dstPort = PORT;
        seg.seq = 1000;
        seg.flags = TcpSegment.SYN;
        seg.window = 65535;
        seg.mss = 1240;
        byte[] header = new byte[TcpSegment.MAX_HEADER_LENGTH];
        int length = seg.writeHeader(header, 0);
        TcpSegment.fillChecksum(PEER, OWN, header, 0, length);
        header[16] ^= 0x40; // now wrong
        byte[] packet = new IpPacketBuilder(1).allocate(PEER, OWN, IpProtocol.TCP, length);
        System.arraycopy(header, 0, packet, IpPacketBuilder.headerLength(PEER), length);
        return packet;
    }
}
