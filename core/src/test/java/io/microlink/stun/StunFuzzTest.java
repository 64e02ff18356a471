package io.microlink.stun;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

class StunFuzzTest {

    /** Any datagram either parses to a response with the datagram's transaction ID or fails with StunException. */
    @FuzzTest
    void parseResponse(byte[] datagram) {
        try {
            StunMessage.BindingResponse r = StunMessage.parseResponse(datagram);
            assertThat(StunMessage.looksLikeStun(datagram)).isTrue();
            assertThat(r.txId()).hasSize(StunMessage.TX_ID_LENGTH);
            assertThat(r.mapped()).isNotNull();
        } catch (StunException expected) {
            // the one declared failure
        }
    }
}
