package io.microlink.netstack;

/**
 * Big-endian (network byte order) fields read from and written into packet buffers. Callers check
 * bounds first: these are for offsets a parser has already validated.
 *
 * <pre>{@code
 * int totalLength = NetworkOrder.u16(packet, off + 2);
 * NetworkOrder.putU16(packet, off + 2, totalLength);
 * }</pre>
 */
public final class NetworkOrder {
    private NetworkOrder() {}

    /**
     * The unsigned 16-bit value at {@code off}.
     *
     * @param b the buffer
     * @param off where the value starts
     * @return the value, 0 to 65535
     */
    public static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    /**
     * The 32-bit value at {@code off}; unsigned callers mask with {@code 0xffffffffL}.
     *
     * @param b the buffer
     * @param off where the value starts
     * @return the value
     */
    public static int u32(byte[] b, int off) {
        return (u16(b, off) << 16) | u16(b, off + 2);
    }

    /**
     * Writes the low 16 bits of {@code value} big-endian at {@code off}.
     *
     * @param b the buffer
     * @param off where the value goes
     * @param value the value
     */
    public static void putU16(byte[] b, int off, int value) {
        b[off] = (byte) (value >>> 8);
        b[off + 1] = (byte) value;
    }

    /**
     * Writes {@code value} big-endian at {@code off}.
     *
     * @param b the buffer
     * @param off where the value goes
     * @param value the value
     */
    public static void putU32(byte[] b, int off, int value) {
        putU16(b, off, value >>> 16);
        putU16(b, off + 2, value);
    }
}
