package io.microlink.netstack.ip;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microlink.netstack.MalformedPacketException;

class IpFuzzTest {
    private static final int MAX_DATAGRAMS = 4;
    private static final int MAX_BYTES = 16 * 1024;

    /**
     * Any packet parses as IPv4 or IPv6 (with extension headers) or fails with
     * MalformedPacketException; what parses has its header and payload inside the bytes given,
     * and the cheap header peeks agree with the parse.
     */
    @FuzzTest
    void parse(byte[] packet) {
        int peeked = IpHeader.version(packet, 0, packet.length);
        IpHeader.protocol(packet, 0, packet.length);
        IpHeader.destinationIs(packet, 0, packet.length, new byte[4]);
        IpHeader.destinationIs(packet, 0, packet.length, new byte[16]);
        try {
            IpPacket p = IpPacket.parse(packet, 0, packet.length);
            assertThat(p.version()).isEqualTo(peeked);
            assertThat(p.source()).hasSize(p.version() == 4 ? 4 : 16);
            assertThat(p.payloadOffset()).isBetween(p.offset(), p.offset() + p.length());
            assertThat(p.payloadOffset() + p.payloadLength()).isLessThanOrEqualTo(p.offset() + p.length());
            assertThat(p.offset() + p.length()).isLessThanOrEqualTo(packet.length);
        } catch (MalformedPacketException expected) {
            // the one declared failure
        }
    }

    /**
     * A stream of fragments (random packets, most of them well-formed fragments the fuzzer
     * shapes) never makes the reassembler hold more than its bounds, and a reassembled datagram
     * parses and is no fragment.
     */
    @FuzzTest
    void reassembly(FuzzedDataProvider data) throws MalformedPacketException {
        FragmentReassembler reassembler = new FragmentReassembler(MAX_DATAGRAMS, MAX_BYTES);
        IpPacketBuilder builder = new IpPacketBuilder(1);
        long now = 0;
        while (data.remainingBytes() > 0) {
            byte[] packet = data.consumeBoolean() ? fragment(data, builder) : data.consumeBytes(data.consumeInt(0, 200));
            now += data.consumeLong(0, 60_000_000_000L);
            IpPacket p;
            try {
                p = IpPacket.parse(packet, 0, packet.length);
            } catch (MalformedPacketException e) {
                continue;
            }
            if (!p.isFragment()) {
                continue;
            }
            var whole = reassembler.accept(p, now);
            assertThat(reassembler.pendingDatagrams()).isLessThanOrEqualTo(MAX_DATAGRAMS);
            assertThat(reassembler.pendingBytes()).isLessThanOrEqualTo(MAX_BYTES);
            if (whole.isPresent()) {
                IpPacket d = whole.get();
                assertThat(d.isFragment()).isFalse();
                IpPacket reparsed = IpPacket.parse(d.buffer(), d.offset(), d.length());
                assertThat(reparsed.payloadLength()).isEqualTo(d.payloadLength());
            }
        }
    }

    /** An IPv4 fragment of one of two datagrams, at an offset and length the fuzzer picks. */
    private static byte[] fragment(FuzzedDataProvider data, IpPacketBuilder builder) {
        byte[] payload = data.consumeBytes(data.consumeInt(0, 64) * 8);
        byte[] packet = builder.allocate(new byte[] {100, 64, 0, 2}, new byte[] {100, 64, 0, 1}, 17, payload.length);
        int header = IpPacketBuilder.headerLength(new byte[4]);
        System.arraycopy(payload, 0, packet, header, payload.length);
        int offsetUnits = data.consumeInt(0, 400);
        boolean more = data.consumeBoolean();
        packet[4] = 0;
        packet[5] = (byte) data.consumeInt(1, 2); // identification
        packet[6] = (byte) ((more ? 0x20 : 0) | (offsetUnits >>> 8));
        packet[7] = (byte) offsetUnits;
        packet[10] = 0; // the header checksum is not checked on inner packets
        packet[11] = 0;
        return packet;
    }
}
