package io.microlink.derp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;

/**
 * A byte stream carried in WebSocket binary messages, as DERP over WebSocket sends it
 * ({@code Sec-WebSocket-Protocol: derp}): the server's messages read as one stream of bytes
 * whatever their fragmentation, each write goes out as one masked binary frame. Pings are
 * answered, pongs ignored, a close is echoed and ends the stream. Only a control frame's
 * payload (at most 125 bytes) is ever held; data is streamed as it arrives.
 *
 * <pre>{@code
 * WebSocketStream ws = new WebSocketStream(socketIn, socketOut);
 * ws.output().write(derpFrame);
 * DerpFrame f = DerpFrame.read(ws.input());
 * }</pre>
 */
final class WebSocketStream {
    private static final SecureRandom MASKS = new SecureRandom();
    /** Large writes go out in frames of at most this much, so a frame's copy stays small. */
    static final int MAX_OUT_FRAME = 64 * 1024;

    private final InputStream in;
    private final OutputStream out;
    private final Input input = new Input();
    private final Output output = new Output();
    /** Writers (the caller's frames, the reader's pongs and close echo) take turns on {@code out}. */
    private final Object writeLock = new Object();
    private boolean closeSent;

    /**
     * @param in  the server's bytes after the {@code 101} head (buffered: frames are read a byte at a time)
     * @param out the connection's output
     */
    WebSocketStream(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    InputStream input() {
        return input;
    }

    OutputStream output() {
        return output;
    }

    private void sendControl(int opcode, byte[] payload) throws IOException {
        synchronized (writeLock) {
            if (closeSent) {
                return;
            }
            closeSent = opcode == WebSocketFrame.CLOSE;
            out.write(WebSocketFrame.clientFrame(opcode, true, payload, 0, payload.length, mask()));
            out.flush();
        }
    }

    private static byte[] mask() {
        byte[] mask = new byte[4];
        MASKS.nextBytes(mask);
        return mask;
    }

    private final class Input extends InputStream {
        /** Payload bytes of the current data frame not yet read. */
        private long remaining;
        /** A fragmented message is under way: only continuation frames may follow. */
        private boolean inMessage;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (remaining == 0) {
                if (ended || !nextDataFrame()) {
                    ended = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("stream ended inside a WebSocket frame");
            }
            remaining -= n;
            return n;
        }

        /** Reads heads (answering control frames) until a data frame starts; false at the stream's end. */
        private boolean nextDataFrame() throws IOException {
            WebSocketFrame head = WebSocketFrame.readHead(in);
            if (head == null) {
                return false;
            }
            if (head.control()) {
                byte[] payload = in.readNBytes((int) head.length());
                if (payload.length < head.length()) {
                    throw new EOFException("stream ended inside a WebSocket control frame");
                }
                if (head.opcode() == WebSocketFrame.PING) {
                    sendControl(WebSocketFrame.PONG, payload);
                } else if (head.opcode() == WebSocketFrame.CLOSE) {
                    // RFC 6455 §5.5.1: echo the server's status code (none if it gave none), not its reason.
                    sendControl(WebSocketFrame.CLOSE, java.util.Arrays.copyOf(payload, Math.min(2, payload.length)));
                    return false;
                }
                return true;
            }
            if (head.opcode() == WebSocketFrame.TEXT) {
                throw new DerpProtocolException("DERP over WebSocket got a text message; it sends binary only");
            }
            if ((head.opcode() == WebSocketFrame.CONTINUATION) != inMessage) {
                throw new DerpProtocolException(inMessage ? "WebSocket message interrupted by a new one"
                        : "WebSocket continuation frame outside a message");
            }
            inMessage = !head.fin();
            remaining = head.length();
            return true;
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            synchronized (writeLock) {
                if (closeSent) {
                    throw new IOException("the WebSocket is closing");
                }
                for (int done = 0; done < len; ) {
                    int n = Math.min(MAX_OUT_FRAME, len - done);
                    out.write(WebSocketFrame.clientFrame(WebSocketFrame.BINARY, true, b, off + done, n, mask()));
                    done += n;
                }
            }
        }

        @Override
        public void flush() throws IOException {
            synchronized (writeLock) {
                out.flush();
            }
        }
    }
}
