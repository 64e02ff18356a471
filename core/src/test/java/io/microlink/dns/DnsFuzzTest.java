package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

class DnsFuzzTest {
    private static final int ROOM = 65535;

    /**
     * Any UDP payload parses or fails with DnsFormatException; what parses encodes, and the
     * encoding is a fixed point: parsing and encoding it again gives the same bytes.
     */
    @FuzzTest
    void parseAndReencode(byte[] wire) throws DnsFormatException {
        DnsMessage m;
        try {
            m = DnsMessage.parse(wire);
        } catch (DnsFormatException expected) {
            return;
        }
        byte[] once = m.encode(ROOM);
        DnsMessage again = DnsMessage.parse(once);
        assertThat(again.encode(ROOM)).isEqualTo(once);
        assertThat(again.questions()).isEqualTo(m.questions());
        assertThat(m.udpPayloadLimit()).isBetween(DnsMessage.CLASSIC_UDP_LIMIT, 65535);
        assertThat(m.encode(DnsMessage.CLASSIC_UDP_LIMIT).length).isLessThanOrEqualTo(DnsMessage.CLASSIC_UDP_LIMIT);
    }
}
