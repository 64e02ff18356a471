package io.microlink.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

class DnsFuzzTest {
    private static final int ROOM = 65535;

    /**
     * Any UDP payload parses or fails with DnsFormatException; what parses encodes, and the
     * encoding is a fixed point: parsing and encoding it again gives the same bytes; records that
     * do not fit a 512-byte answer are dropped.
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
        byte[] classic = m.encode(DnsMessage.CLASSIC_UDP_LIMIT);
        if (classic.length > DnsMessage.CLASSIC_UDP_LIMIT) {
            // Questions are never dropped (MagicDnsResolver answers with the first only), so only
            // a message whose question section alone is too long may pass the limit, with no record.
            assertThat(Arrays.copyOfRange(classic, 6, 12)).as("answer, authority, additional counts").containsOnly(0);
        }
    }
}
