package io.microlink.interop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A repeatable stream of pseudo-random bytes from a seed (xorshift64*, eight bytes per step),
 * for bulk transfers whose both ends must agree on the content. {@link java.util.Random#nextBytes}
 * made a few hundred MB/s and cost transfers through the Java node more than the stack did:
 * on two cores the generator competes with the node it measures.
 *
 * <pre>{@code
 * SeededBytes source = new SeededBytes(42);
 * source.fill(chunk, chunk.length);   // the same bytes for the same seed, chunk after chunk
 * }</pre>
 */
public final class SeededBytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private long state;

    public SeededBytes(long seed) {
        state = seed ^ 0x9e3779b97f4a7c15L; // xorshift must not start at zero
        if (state == 0) {
            state = 1;
        }
    }

    /** Fills {@code buf[0, length)} with the next bytes; {@code length} must be a multiple of 8 except at the end. */
    public void fill(byte[] buf, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            LONGS.set(buf, i, next());
        }
        if (i < length) {
            long last = next();
            for (; i < length; i++, last >>>= 8) {
                buf[i] = (byte) last;
            }
        }
    }

    private long next() {
        long x = state;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        state = x;
        return x * 0x2545f4914f6cdd1dL;
    }
}
