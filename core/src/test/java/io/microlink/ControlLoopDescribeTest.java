package io.microlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What the control loop puts in its state message and log from a failure: every cause, escaped. */
class ControlLoopDescribeTest {
    @Test
    void causesAreJoinedAndWhatAServerSentCannotBreakTheLine() {
        IOException e = new IOException(null, new IOException("control said: bad\r\nINFO: CONNECTED: 0 peers\u001b[2K"));
        assertThat(ControlLoop.describe(e))
                .isEqualTo("control said: bad\\u000d\\u000aINFO: CONNECTED: 0 peers\\u001b[2K");
    }
}
