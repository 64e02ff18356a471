package io.microlink.wireguard.noise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian field access for the WireGuard wire format, which is little-endian throughout. */
public final class Bytes {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Bytes() {}

    /**
     * The 32-bit value at {@code b[off]}.
     *
     * @param b the buffer
     * @param off where the value starts
     * @return the value
     */
    public static int getInt(byte[] b, int off) {
        return (int) INT.get(b, off);
    }

    /**
     * Writes a 32-bit value at {@code b[off]}.
     *
     * @param b the buffer
     * @param off where the value goes
     * @param v the value
     */
    public static void putInt(byte[] b, int off, int v) {
        INT.set(b, off, v);
    }

    /**
     * The 64-bit value at {@code b[off]}.
     *
     * @param b the buffer
     * @param off where the value starts
     * @return the value
     */
    public static long getLong(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    /**
     * Writes a 64-bit value at {@code b[off]}.
     *
     * @param b the buffer
     * @param off where the value goes
     * @param v the value
     */
    public static void putLong(byte[] b, int off, long v) {
        LONG.set(b, off, v);
    }

    /**
     * Constant-time comparison of {@code len} bytes, so MAC checks leak no timing.
     *
     * @param a one buffer
     * @param aOff where its bytes start
     * @param b the other buffer
     * @param bOff where its bytes start
     * @param len how many bytes to compare
     * @return whether they are equal
     */
    public static boolean equal(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }
}
