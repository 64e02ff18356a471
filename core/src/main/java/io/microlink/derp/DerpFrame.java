package io.microlink.derp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * One DERP frame: {@code type(1) || length(u32 BE) || payload}. Sans I/O apart from reading
 * from a stream the caller owns.
 *
 * <pre>{@code
 * out.write(DerpFrame.encode(FrameType.NOTE_PREFERRED, new byte[] {1}));
 * DerpFrame f = DerpFrame.read(in);
 * }</pre>
 */
public record DerpFrame(int type, byte[] payload) {
    /** Larger frames are refused, as tailscale's client does. */
    public static final int MAX_PAYLOAD = 1 << 20;
    public static final int HEADER_LENGTH = 5;

    public static byte[] encode(int type, byte[] payload) {
        return ByteBuffer.allocate(HEADER_LENGTH + payload.length).put((byte) type).putInt(payload.length).put(payload)
                .array();
    }

    /** The next frame, or null if the stream ended cleanly before one began. */
    public static DerpFrame read(InputStream in) throws IOException {
        byte[] header = in.readNBytes(HEADER_LENGTH);
        if (header.length == 0) {
            return null;
        }
        if (header.length < HEADER_LENGTH) {
            throw new EOFException("DERP connection ended inside a frame header");
        }
        long len = ByteBuffer.wrap(header, 1, 4).getInt() & 0xFFFFFFFFL;
        if (len > MAX_PAYLOAD) {
            throw new DerpProtocolException("DERP frame of " + len + " bytes exceeds " + MAX_PAYLOAD);
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) {
            throw new EOFException("DERP connection ended inside a frame");
        }
        return new DerpFrame(header[0] & 0xFF, payload);
    }
}
