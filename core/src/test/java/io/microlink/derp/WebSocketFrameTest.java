package io.microlink.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The frame head reader and the client's frames against RFC 6455's own examples (§5.7, §1.3). */
class WebSocketFrameTest {
    private static final byte[] HELLO = "Hello".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RFC_MASK = HexFormat.of().parseHex("37fa213d");

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    private static WebSocketFrame head(byte[] bytes) throws IOException {
        return WebSocketFrame.readHead(new ByteArrayInputStream(bytes));
    }

    @Test
    void rfcSingleUnmaskedTextFrame() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(hex("810548656c6c6f"));
        assertThat(WebSocketFrame.readHead(in)).isEqualTo(new WebSocketFrame(true, WebSocketFrame.TEXT, 5));
        assertThat(in.readAllBytes()).isEqualTo(HELLO);
    }

    @Test
    void rfcMaskedTextFrameIsWhatTheClientWrites() {
        assertThat(WebSocketFrame.clientFrame(WebSocketFrame.TEXT, true, HELLO, 0, 5, RFC_MASK))
                .isEqualTo(hex("818537fa213d7f9f4d5158"));
        // The masked pong of the RFC's example.
        assertThat(WebSocketFrame.clientFrame(WebSocketFrame.PONG, true, HELLO, 0, 5, RFC_MASK))
                .isEqualTo(hex("8a8537fa213d7f9f4d5158"));
    }

    @Test
    void rfcFragmentedTextAndUnmaskedPing() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(hex("010348656c" + "80026c6f" + "890548656c6c6f"));
        assertThat(WebSocketFrame.readHead(in)).isEqualTo(new WebSocketFrame(false, WebSocketFrame.TEXT, 3));
        in.skipNBytes(3);
        assertThat(WebSocketFrame.readHead(in)).isEqualTo(new WebSocketFrame(true, WebSocketFrame.CONTINUATION, 2));
        in.skipNBytes(2);
        WebSocketFrame ping = WebSocketFrame.readHead(in);
        assertThat(ping).isEqualTo(new WebSocketFrame(true, WebSocketFrame.PING, 5));
        assertThat(ping.control()).isTrue();
    }

    @Test
    void rfcSixteenAndSixtyFourBitLengths() throws IOException {
        assertThat(head(hex("827e0100"))).isEqualTo(new WebSocketFrame(true, WebSocketFrame.BINARY, 256));
        assertThat(head(hex("827f0000000000010000"))).isEqualTo(new WebSocketFrame(true, WebSocketFrame.BINARY, 65536));
        byte[] b256 = new byte[256];
        byte[] zeroMask = new byte[4];
        assertThat(java.util.Arrays.copyOf(WebSocketFrame.clientFrame(WebSocketFrame.BINARY, true, b256, 0, 256,
                zeroMask), 8)).isEqualTo(hex("82fe010000000000"));
        byte[] b64k = new byte[65536];
        assertThat(java.util.Arrays.copyOf(WebSocketFrame.clientFrame(WebSocketFrame.BINARY, true, b64k, 0, 65536,
                zeroMask), 10)).isEqualTo(hex("82ff0000000000010000"));
    }

    @Test
    void rfcAcceptKeyExample() {
        assertThat(WebSocketHandshake.acceptFor("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void whatAServerMayNotSendIsRefused() {
        assertThatThrownBy(() -> head(hex("818537fa213d"))).isInstanceOf(DerpProtocolException.class)
                .hasMessageContaining("masked");
        assertThatThrownBy(() -> head(hex("c100"))).isInstanceOf(DerpProtocolException.class)
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> head(hex("8300"))).isInstanceOf(DerpProtocolException.class)
                .hasMessageContaining("opcode 3");
        assertThatThrownBy(() -> head(hex("097e0100"))).isInstanceOf(DerpProtocolException.class)
                .hasMessageContaining("control");
        assertThatThrownBy(() -> head(hex("0900"))).isInstanceOf(DerpProtocolException.class)
                .hasMessageContaining("control");
        assertThatThrownBy(() -> head(hex("827f8000000000000000"))).isInstanceOf(DerpProtocolException.class)
                .hasMessageContaining("top bit");
    }

    @Test
    void aCleanEndIsNullAndATornHeadIsEof() throws IOException {
        assertThat(head(new byte[0])).isNull();
        assertThatThrownBy(() -> head(hex("82"))).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> head(hex("827f0000"))).isInstanceOf(EOFException.class);
    }
}
