package io.microlink.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class StunMessageTest {
    private static final byte[] TX = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    /** A binding success response whose attributes are {@code attributes}, as a server would frame it. */
    static byte[] response(byte[] attributes) {
        return ByteBuffer.allocate(StunMessage.HEADER + attributes.length).putShort((short) 0x0101)
                .putShort((short) attributes.length).putInt(StunMessage.MAGIC_COOKIE).put(TX).put(attributes).array();
    }

    @Test
    void aZeroLengthAddressAttributeIsRejectedNotReadPastTheEnd() {
        // 24 bytes: the header and an XOR-MAPPED-ADDRESS of length 0, the end of the datagram.
        byte[] hostile = response(new byte[] {0x00, 0x20, 0x00, 0x00});
        assertThat(hostile).hasSize(24);
        assertThatThrownBy(() -> StunMessage.parseResponse(hostile)).isInstanceOf(StunException.class);
    }

    @Test
    void addressAttributesShorterThanTheirFamilyAreRejected() {
        for (int len = 1; len < 8; len++) {
            byte[] attr = ByteBuffer.allocate(4 + ((len + 3) & ~3)).putShort((short) 0x0020).putShort((short) len)
                    .put(new byte[] {0, 1}).array();
            byte[] hostile = response(attr);
            assertThatThrownBy(() -> StunMessage.parseResponse(hostile)).as("length " + len)
                    .isInstanceOf(StunException.class);
        }
    }

    @Test
    void anXorMappedIpv4AddressIsDecoded() throws StunException {
        // 192.0.2.1:32853 xored with the cookie, as RFC 5769 section 2.2 encodes it.
        byte[] attr = {0x00, 0x20, 0x00, 0x08, 0x00, 0x01, (byte) 0xa1, 0x47, (byte) 0xe1, 0x12, (byte) 0xa6, 0x43};
        assertThat(StunMessage.parseResponse(response(attr)).mapped())
                .isEqualTo(new InetSocketAddress("192.0.2.1", 32853));
    }
}
