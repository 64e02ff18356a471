package io.microlink.netstack;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum of RFC 1071: the ones' complement of the ones' complement sum of
 * 16-bit big-endian words. Sums are kept unfolded in an {@code int} so that pieces (a pseudo
 * header, a header, a payload) can be added separately and folded once at the end.
 *
 * <pre>{@code
 * int acc = Checksum.pseudoHeader(src, dst, IP_PROTO_UDP, udpLength);
 * acc = Checksum.add(acc, packet, udpOffset, udpLength);
 * short checksum = Checksum.finish(acc);
 * }</pre>
 */
public final class Checksum {
    private static final VarHandle BE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Checksum() {}

    /**
     * Adds {@code len} bytes to a running sum. An odd length is padded with a zero byte, so only
     * the last piece of a sum may have an odd length.
     *
     * @param acc the sum so far (0 to start)
     * @param b the bytes
     * @param off where they start
     * @param len how many to add
     * @return the new sum
     */
    public static int add(int acc, byte[] b, int off, int len) {
        long sum = acc & 0xffffffffL;
        int end = off + len - 1;
        int i = off;
        // Eight bytes at a time as two 32-bit big-endian words: the ones' complement sum is
        // the same in any word size (RFC 1071 §2(B)) once folded, and a 64-bit sum of 32-bit
        // words cannot overflow for any array. A quarter of the loads and adds of 16-bit words.
        for (; i + 8 <= off + len; i += 8) {
            long w = (long) BE64.get(b, i);
            sum += (w >>> 32) + (w & 0xffffffffL);
        }
        for (; i < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i == end) {
            sum += (b[i] & 0xff) << 8;
        }
        return fold(sum);
    }

    /**
     * The sum of the IPv4 or IPv6 pseudo header (4- or 16-byte addresses) that TCP, UDP and ICMPv6 cover.
     *
     * @param src the source address
     * @param dst the destination address
     * @param protocol the IP protocol number
     * @param length the upper-layer length (header and payload)
     * @return the pseudo header's sum
     */
    public static int pseudoHeader(byte[] src, byte[] dst, int protocol, int length) {
        int acc = add(0, src, 0, src.length);
        acc = add(acc, dst, 0, dst.length);
        long sum = (acc & 0xffffffffL) + protocol + (length & 0xffff) + (length >>> 16);
        return fold(sum);
    }

    /**
     * The checksum field value: the complement of the folded sum, as written big-endian into a header.
     *
     * @param acc the sum of everything the checksum covers
     * @return the value for the header field
     */
    public static short finish(int acc) {
        return (short) ~fold(acc & 0xffffffffL);
    }

    /**
     * Whether a received piece whose sum includes its own checksum field verifies (sums to 0xffff).
     *
     * @param acc the sum including the received checksum field
     * @return {@code true} if the checksum is right
     */
    public static boolean verifies(int acc) {
        return fold(acc & 0xffffffffL) == 0xffff;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
