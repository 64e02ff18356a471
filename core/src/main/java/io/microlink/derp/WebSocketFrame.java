package io.microlink.derp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The head of one RFC 6455 frame, and the client's frames, sans I/O beyond the stream it reads.
 * A client reads only unmasked frames (§5.1: a server never masks) and writes only masked ones
 * (a fresh 4-byte key per frame, §5.3). The reader checks what a server may not send: reserved
 * bits (no extension was agreed), unknown opcodes, and control frames that are fragmented or
 * longer than 125 bytes (§5.5); a data frame's length is only announced here, its payload is
 * streamed by the caller, so no length a server names is ever allocated.
 *
 * <pre>{@code
 * WebSocketFrame head = WebSocketFrame.readHead(in);     // null at a clean end
 * out.write(WebSocketFrame.clientFrame(WebSocketFrame.BINARY, true, bytes, 0, bytes.length, mask));
 * }</pre>
 */
record WebSocketFrame(boolean fin, int opcode, long length) {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    /** §5.5: a control frame's payload fits in the 7-bit length. */
    static final int MAX_CONTROL_PAYLOAD = 125;
    /** The longest head a client writes: 2 bytes, an 8-byte length, the 4-byte mask. */
    static final int MAX_CLIENT_HEAD = 14;

    boolean control() {
        return (opcode & 0x8) != 0;
    }

    /**
     * Reads one frame's head from a server.
     *
     * @return the head, or null if the stream ended cleanly before it
     * @throws EOFException           if the stream ends inside the head
     * @throws DerpProtocolException  if the head breaks RFC 6455 for a server's frame
     */
    static WebSocketFrame readHead(InputStream in) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = readByte(in);
        if ((b0 & 0x70) != 0) {
            throw new DerpProtocolException("WebSocket frame with reserved bits set (no extension was agreed)");
        }
        int opcode = b0 & 0x0F;
        boolean fin = (b0 & 0x80) != 0;
        if ((b1 & 0x80) != 0) {
            throw new DerpProtocolException("WebSocket server sent a masked frame");
        }
        long length = b1 & 0x7F;
        if (length == 126) {
            length = (readByte(in) << 8) | readByte(in);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte(in);
            }
            if (length < 0) {
                throw new DerpProtocolException("WebSocket frame length has its top bit set");
            }
        }
        WebSocketFrame head = new WebSocketFrame(fin, opcode, length);
        switch (opcode) {
            case CONTINUATION, TEXT, BINARY -> { }
            case CLOSE, PING, PONG -> {
                if (!fin || length > MAX_CONTROL_PAYLOAD) {
                    throw new DerpProtocolException("WebSocket control frame fragmented or longer than 125 bytes");
                }
            }
            default -> throw new DerpProtocolException("WebSocket frame with unknown opcode " + opcode);
        }
        return head;
    }

    /**
     * A client frame: the head and {@code len} bytes of {@code payload} from {@code off}, masked
     * with {@code mask}.
     *
     * @param mask four bytes, fresh and unpredictable for every frame (RFC 6455 §10.3)
     */
    static byte[] clientFrame(int opcode, boolean fin, byte[] payload, int off, int len, byte[] mask) {
        int lengthBytes = len <= 125 ? 0 : len <= 0xFFFF ? 2 : 8;
        int head = 2 + lengthBytes + 4;
        byte[] frame = new byte[head + len];
        frame[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        frame[1] = (byte) (0x80 | (lengthBytes == 0 ? len : lengthBytes == 2 ? 126 : 127));
        for (int i = 0; i < lengthBytes; i++) {
            frame[2 + i] = (byte) ((long) len >>> (8 * (lengthBytes - 1 - i)));
        }
        System.arraycopy(mask, 0, frame, head - 4, 4);
        for (int i = 0; i < len; i++) {
            frame[head + i] = (byte) (payload[off + i] ^ mask[i & 3]);
        }
        return frame;
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("stream ended inside a WebSocket frame head");
        }
        return b;
    }
}
