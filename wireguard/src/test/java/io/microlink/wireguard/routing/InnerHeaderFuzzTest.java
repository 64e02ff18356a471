package io.microlink.wireguard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

class InnerHeaderFuzzTest {

    /**
     * A decrypted inner packet of any content gets a version of 0, 4 or 6 and a declared length
     * of -1 or one that fits; the addresses of a plausible header lie inside what was declared.
     */
    @FuzzTest
    void header(byte[] packet) {
        int version = InnerHeader.version(packet, 0, packet.length);
        assertThat(version).isIn(0, 4, 6);
        int declared = InnerHeader.declaredLength(packet, 0, packet.length);
        if (declared == -1) {
            return;
        }
        assertThat(declared).isBetween(20, packet.length);
        int addressLength = InnerHeader.addressLength(packet, 0);
        assertThat(addressLength).isEqualTo(version == 4 ? 4 : 16);
        assertThat(InnerHeader.sourceOffset(packet, 0) + addressLength).isLessThanOrEqualTo(declared);
        assertThat(InnerHeader.destinationOffset(packet, 0) + addressLength).isLessThanOrEqualTo(declared);
    }
}
