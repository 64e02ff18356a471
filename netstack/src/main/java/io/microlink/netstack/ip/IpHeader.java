package io.microlink.netstack.ip;

import java.util.Arrays;

/**
 * The fixed IPv4/IPv6 header fields read straight from a packet's bytes, without parsing or
 * allocating: for the per-packet questions of the packet path (is it for quad-100, for the
 * OS, a TSMP ping, TCP at all?) that do not need a validated {@link IpPacket}. Each answer
 * is safe on any bytes: too short or not IP gives "no".
 *
 * <pre>{@code
 * if (IpHeader.destinationIs(buf, off, len, quad100)) { ... }
 * if (IpHeader.protocol(buf, off, len) == IpProtocol.TCP) { ... }
 * }</pre>
 */
public final class IpHeader {
    private static final int V4_FIXED = 20;
    private static final int V6_FIXED = 40;

    private IpHeader() {}

    /**
     * 4 or 6 when the bytes hold at least that version's fixed header, else 0.
     *
     * @param buf the buffer
     * @param off where the packet starts
     * @param len the bytes there
     * @return the version, or 0
     */
    public static int version(byte[] buf, int off, int len) {
        if (len < V4_FIXED) {
            return 0;
        }
        return switch ((buf[off] & 0xff) >>> 4) {
            case 4 -> 4;
            case 6 -> len >= V6_FIXED ? 6 : 0;
            default -> 0;
        };
    }

    /**
     * IPv4's protocol or IPv6's first next-header value (which may be an extension header,
     * so only a value that is not one names the payload), or -1 if not IP.
     *
     * @param buf the buffer
     * @param off where the packet starts
     * @param len the bytes there
     * @return the protocol number, or -1
     */
    public static int protocol(byte[] buf, int off, int len) {
        return switch (version(buf, off, len)) {
            case 4 -> buf[off + 9] & 0xff;
            case 6 -> buf[off + 6] & 0xff;
            default -> -1;
        };
    }

    /**
     * Whether the destination address is {@code address} (4 or 16 bytes, which also picks the family).
     *
     * @param buf the buffer
     * @param off where the packet starts
     * @param len the bytes there
     * @param address the address to compare with
     * @return {@code true} if the packet is for {@code address}
     */
    public static boolean destinationIs(byte[] buf, int off, int len, byte[] address) {
        int v = version(buf, off, len);
        if (v == 4 && address.length == 4) {
            return Arrays.equals(buf, off + 16, off + 20, address, 0, 4);
        }
        return v == 6 && address.length == 16 && Arrays.equals(buf, off + 24, off + 40, address, 0, 16);
    }
}
