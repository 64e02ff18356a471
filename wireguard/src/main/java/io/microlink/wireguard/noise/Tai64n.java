package io.microlink.wireguard.noise;

import java.time.Instant;
import java.util.Arrays;

/**
 * TAI64N timestamps for handshake initiations (whitepaper §5.1): 8-byte big-endian TAI64 label
 * (2^62 + 10 + Unix seconds) and 4-byte big-endian nanoseconds. Nanoseconds are rounded down to
 * a 2^24 ns grid, as wireguard-go does, so the timestamp is no precise clock oracle for observers.
 */
public final class Tai64n {
    private static final long TAI64_BASE = (1L << 62) + 10;
    /** The grid timestamps are rounded down to: two stamps this far apart always differ. */
    public static final int GRID_NANOS = 1 << 24;
    private static final int WHITEN_MASK = GRID_NANOS - 1;

    private Tai64n() {}

    /**
     * A TAI64N timestamp of {@code t}, its nanoseconds rounded down to {@link #GRID_NANOS} so the stamp does not reveal the clock finely.
     *
     * @param t the time
     * @return 12 bytes
     */
    public static byte[] encode(Instant t) {
        byte[] out = new byte[Protocol.TIMESTAMP_LENGTH];
        long seconds = TAI64_BASE + t.getEpochSecond();
        int nanos = t.getNano() & ~WHITEN_MASK;
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (seconds >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[8 + i] = (byte) (nanos >>> (24 - 8 * i));
        }
        return out;
    }

    /**
     * True if {@code a} is strictly later than {@code b}; both big-endian, so byte order compares.
     *
     * @param a a timestamp
     * @param b another
     * @return whether {@code a} is later
     */
    public static boolean after(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) > 0;
    }
}
