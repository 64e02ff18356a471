package io.microlink.derp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;

class WebSocketFuzzTest {
    private static final int[] OPCODES = {WebSocketFrame.CONTINUATION, WebSocketFrame.TEXT, WebSocketFrame.BINARY,
        WebSocketFrame.CLOSE, WebSocketFrame.PING, WebSocketFrame.PONG};

    /**
     * Any bytes from a server read through the WebSocket as data no longer than they were, ending
     * cleanly or with EOF or a DERP protocol error; the answers (pongs, a close) never outgrow
     * three times the input, so a server cannot make the client write more than it is sent.
     */
    @FuzzTest
    void readStream(byte[] server) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        WebSocketStream ws = new WebSocketStream(new ByteArrayInputStream(server), wire);
        try {
            assertThat(ws.input().readAllBytes().length).isLessThanOrEqualTo(server.length);
        } catch (EOFException | DerpProtocolException expected) {
            // the declared failures
        } catch (IOException e) {
            throw new AssertionError("only EOF and protocol errors are expected from a byte array", e);
        }
        assertThat((long) wire.size()).isLessThanOrEqualTo(3L * server.length);
    }

    /** A client frame with its mask taken off reads back as the head it was written with. */
    @FuzzTest
    void clientFrameHead(FuzzedDataProvider data) throws IOException {
        int opcode = OPCODES[data.consumeInt(0, OPCODES.length - 1)];
        boolean control = (opcode & 0x8) != 0;
        boolean fin = control || data.consumeBoolean();
        byte[] mask = data.consumeBytes(4);
        byte[] payload = data.consumeBytes(control ? WebSocketFrame.MAX_CONTROL_PAYLOAD : 70_000);
        if (mask.length < 4) {
            return;
        }
        byte[] frame = WebSocketFrame.clientFrame(opcode, fin, payload, 0, payload.length, mask);
        int head = frame.length - payload.length;
        assertThat(head).isLessThanOrEqualTo(WebSocketFrame.MAX_CLIENT_HEAD);
        // The same head as a server would send it: mask bit off, no masking key.
        byte[] unmasked = java.util.Arrays.copyOf(frame, head - 4);
        unmasked[1] &= 0x7F;
        assertThat(WebSocketFrame.readHead(new ByteArrayInputStream(unmasked)))
                .isEqualTo(new WebSocketFrame(fin, opcode, payload.length));
        for (int i = 0; i < payload.length; i++) {
            assertThat((byte) (frame[head + i] ^ mask[i & 3])).isEqualTo(payload[i]);
        }
    }
}
