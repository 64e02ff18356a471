package io.microlink.control;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads of a known length that return as soon as the last byte is in.
 *
 * <p>{@code InputStream.readNBytes(n)} is not enough on a stream that stays open: once it has
 * all {@code n} bytes it asks the stream for zero more, and OkHttp's response streams (Okio)
 * answer such a read by waiting for the next data to arrive. On the map long poll that held
 * every message back until control sent the next one, which may be a keep-alive a minute
 * later. These reads never ask for zero bytes.
 */
final class ExactReads {
    /** The buffer grows as bytes come, so a length that was promised but never sent costs little memory. */
    private static final int FIRST_CHUNK = 64 * 1024;

    private ExactReads() {}

    /** Up to {@code n} bytes; fewer only where the stream ends first. */
    static byte[] upTo(InputStream in, int n) throws IOException {
        byte[] b = new byte[Math.min(n, FIRST_CHUNK)];
        int have = 0;
        while (have < n) {
            if (have == b.length) {
                b = Arrays.copyOf(b, (int) Math.min(n, 2L * b.length));
            }
            int got = in.read(b, have, b.length - have);
            if (got < 0) {
                return Arrays.copyOf(b, have);
            }
            have += got;
        }
        return b;
    }

    /** Exactly {@code n} bytes; the stream ending first is an {@link EOFException} naming {@code what}. */
    static byte[] exactly(InputStream in, int n, String what) throws IOException {
        byte[] b = upTo(in, n);
        if (b.length != n) {
            throw new EOFException("control connection ended inside the " + what);
        }
        return b;
    }
}
