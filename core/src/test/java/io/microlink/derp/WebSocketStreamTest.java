package io.microlink.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The server's binary messages read as one byte stream; control frames answered; our writes masked. */
class WebSocketStreamTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static FakeWebSocketServer.ClientFrame sent(ByteArrayInputStream out) throws IOException {
        return FakeWebSocketServer.ClientFrame.read(out);
    }

    @Test
    void fragmentsAndPingsReadAsOneStreamAndPingsAreAnsweredWithTheirPayload() throws IOException {
        byte[] server = concat(FakeWebSocketServer.frame(WebSocketFrame.BINARY, false, bytes("DE")),
                FakeWebSocketServer.frame(WebSocketFrame.PING, true, bytes("are you there")),
                FakeWebSocketServer.frame(WebSocketFrame.CONTINUATION, false, new byte[0]),
                FakeWebSocketServer.frame(WebSocketFrame.CONTINUATION, true, bytes("RP")),
                FakeWebSocketServer.frame(WebSocketFrame.PONG, true, bytes("ignored")),
                FakeWebSocketServer.frame(WebSocketFrame.BINARY, true, new byte[300]));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        WebSocketStream ws = new WebSocketStream(new ByteArrayInputStream(server), wire);
        InputStream in = ws.input();
        assertThat(in.readNBytes(4)).isEqualTo(bytes("DERP"));
        assertThat(in.readAllBytes()).hasSize(300);
        FakeWebSocketServer.ClientFrame pong = sent(new ByteArrayInputStream(wire.toByteArray()));
        assertThat(pong.opcode()).isEqualTo(WebSocketFrame.PONG);
        assertThat(pong.payload()).isEqualTo(bytes("are you there"));
    }

    @Test
    void aCloseIsEchoedAndEndsTheStreamAndLaterWritesFail() throws IOException {
        byte[] server = concat(FakeWebSocketServer.frame(WebSocketFrame.BINARY, true, bytes("x")),
                FakeWebSocketServer.frame(WebSocketFrame.CLOSE, true, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'}),
                FakeWebSocketServer.frame(WebSocketFrame.BINARY, true, bytes("after the close")));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        WebSocketStream ws = new WebSocketStream(new ByteArrayInputStream(server), wire);
        assertThat(ws.input().readAllBytes()).isEqualTo(bytes("x"));
        assertThat(ws.input().read()).isEqualTo(-1);
        FakeWebSocketServer.ClientFrame close = sent(new ByteArrayInputStream(wire.toByteArray()));
        assertThat(close.opcode()).isEqualTo(WebSocketFrame.CLOSE);
        assertThat(close.payload()).containsExactly(0x03, 0xE8); // the server's status, echoed
        assertThatThrownBy(() -> ws.output().write(1)).isInstanceOf(IOException.class);
    }

    @Test
    void textAndOutOfOrderContinuationsAreProtocolErrors() {
        assertThatThrownBy(() -> new WebSocketStream(new ByteArrayInputStream(
                FakeWebSocketServer.frame(WebSocketFrame.TEXT, true, bytes("hi"))), new ByteArrayOutputStream())
                .input().read()).isInstanceOf(DerpProtocolException.class).hasMessageContaining("text");
        assertThatThrownBy(() -> new WebSocketStream(new ByteArrayInputStream(
                FakeWebSocketServer.frame(WebSocketFrame.CONTINUATION, true, bytes("hi"))), new ByteArrayOutputStream())
                .input().read()).isInstanceOf(DerpProtocolException.class).hasMessageContaining("continuation");
        assertThatThrownBy(() -> new WebSocketStream(new ByteArrayInputStream(concat(
                FakeWebSocketServer.frame(WebSocketFrame.BINARY, false, bytes("a")),
                FakeWebSocketServer.frame(WebSocketFrame.BINARY, true, bytes("b")))), new ByteArrayOutputStream())
                .input().readAllBytes()).isInstanceOf(DerpProtocolException.class).hasMessageContaining("interrupted");
    }

    @Test
    void writesGoOutAsMaskedBinaryFramesOfBoundedSize() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        WebSocketStream ws = new WebSocketStream(new ByteArrayInputStream(new byte[0]), wire);
        byte[] big = new byte[WebSocketStream.MAX_OUT_FRAME + 10];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        ws.output().write(big);
        ws.output().flush();
        ByteArrayInputStream frames = new ByteArrayInputStream(wire.toByteArray());
        FakeWebSocketServer.ClientFrame first = sent(frames);
        FakeWebSocketServer.ClientFrame second = sent(frames);
        assertThat(first.opcode()).isEqualTo(WebSocketFrame.BINARY);
        assertThat(first.payload()).hasSize(WebSocketStream.MAX_OUT_FRAME);
        assertThat(concat(first.payload(), second.payload())).isEqualTo(big);
        assertThat(frames.available()).isZero();
    }
}
