package io.microlink.derp;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The server's side of RFC 6455, just enough for client tests: the handshake, unmasked frames out, masked frames in. */
final class FakeWebSocketServer {
    private FakeWebSocketServer() {}

    /** The request head, up to and without the blank line. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("client closed inside its request");
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** The value of the request head's field {@code name}, or null. */
    static String field(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** A {@code 101} answer to {@code request} with the right accept and the derp subprotocol. */
    static byte[] accept(String request) {
        return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WebSocketHandshake.acceptFor(field(request, "Sec-WebSocket-Key")) + "\r\n"
                + "Sec-WebSocket-Protocol: derp\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** One unmasked server frame. */
    static byte[] frame(int opcode, boolean fin, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        if (payload.length <= 125) {
            f.write(payload.length);
        } else if (payload.length <= 0xFFFF) {
            f.write(126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xFF);
        } else {
            f.write(127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) payload.length >>> (8 * i)) & 0xFF);
            }
        }
        f.writeBytes(payload);
        return f.toByteArray();
    }

    /** A client frame read and unmasked. */
    record ClientFrame(boolean fin, int opcode, byte[] payload) {
        static ClientFrame read(InputStream in) throws IOException {
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            int b1 = in.read();
            if ((b1 & 0x80) == 0) {
                throw new IOException("client frame not masked");
            }
            long len = b1 & 0x7F;
            if (len == 126) {
                len = (in.read() << 8) | in.read();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | in.read();
                }
            }
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes((int) len);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            return new ClientFrame((b0 & 0x80) != 0, b0 & 0x0F, payload);
        }
    }

    /** The client's binary messages' bytes as one stream (its control frames skipped). */
    static InputStream clientBytes(InputStream raw) {
        return new InputStream() {
            private byte[] current = new byte[0];
            private int pos;

            @Override
            public int read() throws IOException {
                while (pos == current.length) {
                    ClientFrame f = ClientFrame.read(raw);
                    if (f == null) {
                        return -1;
                    }
                    current = f.opcode() >= WebSocketFrame.CLOSE ? new byte[0] : f.payload(); // pongs are not data
                    pos = 0;
                }
                return current[pos++] & 0xFF;
            }
        };
    }

    /** Each flush of what was written goes out as one unmasked binary frame. */
    static OutputStream serverBytes(OutputStream raw) {
        return new OutputStream() {
            private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                pending.write(b);
            }

            @Override
            public void flush() throws IOException {
                if (pending.size() > 0) {
                    raw.write(frame(WebSocketFrame.BINARY, true, pending.toByteArray()));
                    pending.reset();
                }
                raw.flush();
            }
        };
    }
}
