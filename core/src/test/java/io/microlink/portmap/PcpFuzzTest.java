package io.microlink.portmap;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Whatever a gateway sends to a PCP request, decoding returns a response or refuses it, nothing else. */
class PcpFuzzTest {
    private static final byte[] NONCE = new byte[Pcp.NONCE_BYTES];

    @FuzzTest
    void decodeNeverThrowsAnythingElse(byte[] packet) {
        try {
            Pcp.Response r = Pcp.decode(packet, 0, packet.length);
            if (r.epochSeconds() < 0 || r.lifetimeSeconds() < 0 || r.externalPort() > 0xFFFF) {
                throw new AssertionError("out of range: " + r);
            }
            PcpClient.mapAnswer(packet, 0, packet.length, NONCE, 41641);
        } catch (PortMapProtocolException expected) {
            // refused, as it should be
        }
    }
}
