package io.microlink.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerTextTest {
    @Test
    void lineBreaksTerminalEscapesAndBidiOverridesBecomeVisibleEscapes() {
        assertThat(PeerText.forLog("ok\r\nFAKE: admin logged in\u001b[2J\u009b\u202e", 100))
                .isEqualTo("ok\\u000d\\u000aFAKE: admin logged in\\u001b[2J\\u009b\\u202e");
    }

    @Test
    void printableTextIncludingNonAsciiIsKept() {
        assertThat(PeerText.forLog("duplicate client: ünïcode 😀", 100)).isEqualTo("duplicate client: ünïcode 😀");
    }

    @Test
    void longTextIsCutWithANoteOfWhatWasLeftOut() {
        assertThat(PeerText.forLog("x".repeat(1_000_000), 10)).isEqualTo("xxxxxxxxxx... (999990 more characters)");
    }
}
