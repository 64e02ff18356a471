package io.microlink.wireguard.routing;

/**
 * The few IPv4/IPv6 header fields the engine needs of an inner packet: version, addresses for
 * routing, and the packet's own idea of its length (which strips the transport padding). No
 * allocation. The engine is a module of its own, so it reads these itself rather than through
 * the netstack's {@code IpHeader}, which the tailnet node's packet path uses.
 */
public final class InnerHeader {
    private InnerHeader() {}

    /**
     * 4 or 6, or 0 if the buffer holds no plausible IP header.
     *
     * @param buf the buffer
     * @param off where the packet starts
     * @param len the bytes there
     * @return the version, or 0
     */
    public static int version(byte[] buf, int off, int len) {
        if (len < 20) {
            return 0;
        }
        int v = (buf[off] & 0xff) >>> 4;
        if (v == 4) {
            return 4;
        }
        return v == 6 && len >= 40 ? 6 : 0;
    }

    /**
     * Length the header declares, or -1 if it exceeds {@code len} or is too short to be IP.
     *
     * @param buf the buffer
     * @param off where the packet starts
     * @param len the bytes there
     * @return the length, or -1
     */
    public static int declaredLength(byte[] buf, int off, int len) {
        int declared = switch (version(buf, off, len)) {
            case 4 -> ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff);
            case 6 -> 40 + (((buf[off + 4] & 0xff) << 8) | (buf[off + 5] & 0xff));
            default -> -1;
        };
        return declared < 20 || declared > len ? -1 : declared;
    }

    /**
     * Offset of the source address; its length is {@link #addressLength}.
     *
     * @param buf the buffer
     * @param off where the packet starts
     * @return the offset in {@code buf}
     */
    public static int sourceOffset(byte[] buf, int off) {
        return off + (isV4(buf, off) ? 12 : 8);
    }

    /**
     * Offset of the destination address.
     *
     * @param buf the buffer
     * @param off where the packet starts
     * @return the offset in {@code buf}
     */
    public static int destinationOffset(byte[] buf, int off) {
        return off + (isV4(buf, off) ? 16 : 24);
    }

    /**
     * The length of the packet's addresses.
     *
     * @param buf the buffer
     * @param off where the packet starts
     * @return 4 or 16
     */
    public static int addressLength(byte[] buf, int off) {
        return isV4(buf, off) ? 4 : 16;
    }

    private static boolean isV4(byte[] buf, int off) {
        return (buf[off] & 0xf0) == 0x40;
    }
}
