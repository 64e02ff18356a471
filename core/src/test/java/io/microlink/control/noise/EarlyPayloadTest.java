package io.microlink.control.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EarlyPayloadTest {
    @Test
    void recognisesTheMagicAndReadsTheBigEndianLength() throws Exception {
        byte[] prefix = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 'T', 'S', 0, 0, 1, 2};
        assertThat(EarlyPayload.isEarlyPayload(prefix)).isTrue();
        assertThat(EarlyPayload.jsonLength(prefix)).isEqualTo(258);
    }

    @Test
    void anHttp2FrameHeaderIsNotAnEarlyPayload() {
        byte[] settingsFrame = {0, 0, 6, 4, 0, 0, 0, 0, 0};
        assertThat(EarlyPayload.isEarlyPayload(settingsFrame)).isFalse();
    }

    @Test
    void anAbsurdLengthIsRefused() {
        byte[] prefix = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 'T', 'S', 0x7F, 0, 0, 0};
        assertThatThrownBy(() -> EarlyPayload.jsonLength(prefix)).isInstanceOf(ControlProtocolException.class);
    }
}
