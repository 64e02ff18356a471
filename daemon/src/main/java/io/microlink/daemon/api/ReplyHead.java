package io.microlink.daemon.api;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * The first line of a local API reply, read from the connection in blocks rather than a byte
 * per system call, and the bytes read past its newline, which belong to what follows (a raw
 * stream or a body) and must be handed on first. Uses java.base only: the CLI's fast
 * {@code status} path loads it without Jackson.
 *
 * <pre>{@code
 * ReplyHead head = ReplyHead.read(channel, ApiProtocol.MAX_LINE);
 * byte[] line = head.line();            // without the newline
 * ByteBuffer rest = head.overRead();    // the stream's first bytes, possibly none
 * }</pre>
 *
 * @param line the line's bytes, without its newline
 * @param overRead the bytes read after the newline, ready to be read (position to limit)
 */
public record ReplyHead(byte[] line, ByteBuffer overRead) {
    private static final int BLOCK = 8192;

    /**
     * Reads until the first newline. Returns null when the input ends before any byte; throws
     * {@link EOFException} when it ends inside the line, and an {@link IOException} when the
     * line is longer than {@code maxLine} bytes.
     */
    public static ReplyHead read(ReadableByteChannel in, int maxLine) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Math.min(BLOCK, maxLine + 1));
        int scanned = 0;
        while (true) {
            for (; scanned < buf.position(); scanned++) {
                if (buf.get(scanned) == '\n') {
                    byte[] line = Arrays.copyOf(buf.array(), scanned);
                    ByteBuffer rest = ByteBuffer.wrap(Arrays.copyOfRange(buf.array(), scanned + 1, buf.position()));
                    return new ReplyHead(line, rest);
                }
                if (scanned == maxLine) {
                    throw new IOException("line longer than " + maxLine + " bytes");
                }
            }
            if (!buf.hasRemaining()) {
                // Grows only as far as the bound: the line plus its newline.
                buf = ByteBuffer.allocate((int) Math.min(2L * buf.capacity(), maxLine + 1L)).put(buf.flip());
            }
            if (in.read(buf) < 0) {
                if (buf.position() == 0) {
                    return null;
                }
                throw new EOFException("the line ended without a newline");
            }
        }
    }
}
