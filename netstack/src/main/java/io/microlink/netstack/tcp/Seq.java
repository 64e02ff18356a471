package io.microlink.netstack.tcp;

/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): numbers are compared by the sign of
 * their 32-bit difference, so comparisons stay right across the wrap from 0xffffffff to 0.
 *
 * <pre>{@code
 * Seq.lt(0xfffffff0, 0x10); // true: 0x10 lies 0x20 bytes after the wrap
 * }</pre>
 */
public final class Seq {
    private Seq() {}

    /**
     * Whether {@code a} comes before {@code b}.
     *
     * @param a a sequence number
     * @param b another
     * @return {@code a < b} modulo 2^32
     */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /**
     * Whether {@code a} comes before or is {@code b}.
     *
     * @param a a sequence number
     * @param b another
     * @return {@code a <= b} modulo 2^32
     */
    public static boolean leq(int a, int b) {
        return a - b <= 0;
    }

    /**
     * Whether {@code a} comes after {@code b}.
     *
     * @param a a sequence number
     * @param b another
     * @return {@code a > b} modulo 2^32
     */
    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    /**
     * Whether {@code a} comes after or is {@code b}.
     *
     * @param a a sequence number
     * @param b another
     * @return {@code a >= b} modulo 2^32
     */
    public static boolean geq(int a, int b) {
        return a - b >= 0;
    }

    /**
     * Whether {@code start <= x < start + length}, for a length below 2^31.
     *
     * @param x the sequence number
     * @param start the window's first number
     * @param length the window's length
     * @return whether {@code x} lies in the window
     */
    public static boolean inWindow(int x, int start, int length) {
        return Integer.compareUnsigned(x - start, length) < 0;
    }
}
