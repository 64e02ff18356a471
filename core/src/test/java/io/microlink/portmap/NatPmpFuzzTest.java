package io.microlink.portmap;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Whatever a gateway (or anyone spoofing it) sends, decoding returns a response or refuses it, nothing else. */
class NatPmpFuzzTest {
    @FuzzTest
    void decodeNeverThrowsAnythingElse(byte[] packet) {
        try {
            NatPmp.Response r = NatPmp.decode(packet, 0, packet.length);
            if (r.epochSeconds() < 0) {
                throw new AssertionError("negative epoch " + r.epochSeconds());
            }
        } catch (PortMapProtocolException expected) {
            // refused, as it should be
        }
    }
}
