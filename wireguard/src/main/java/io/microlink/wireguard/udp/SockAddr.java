package io.microlink.wireguard.udp;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Linux's {@code struct sockaddr_in} and {@code sockaddr_in6} in native memory: a destination
 * written for the socket's family (IPv4 as {@code ::ffff:a.b.c.d} on an IPv6 socket) and a
 * source read back as the JDK would report it (IPv4-mapped sources as {@link Inet4Address}).
 */
final class SockAddr {
    static final short AF_INET = 2;
    static final short AF_INET6 = 10;
    /** {@code sizeof(struct sockaddr_in6)}, the larger of the two. */
    static final int MAX_LENGTH = 28;
    private static final int IPV4_LENGTH = 16;
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SockAddr() {}

    /** Writes {@code to} at {@code at}; returns the length to pass with it. */
    static int write(MemorySegment at, InetSocketAddress to, boolean ipv6Socket) throws IOException {
        InetAddress ip = to.getAddress();
        if (ip == null) {
            throw new IOException("unresolved address " + to);
        }
        byte[] raw = ip.getAddress();
        at.fill((byte) 0);
        at.set(PORT, 2, (short) to.getPort());
        if (!ipv6Socket) {
            if (raw.length != 4) {
                throw new IOException("no IPv6 on this system for " + to);
            }
            at.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, AF_INET);
            MemorySegment.copy(raw, 0, at, ValueLayout.JAVA_BYTE, 4, 4);
            return IPV4_LENGTH;
        }
        at.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, AF_INET6);
        if (raw.length == 4) {
            at.set(ValueLayout.JAVA_BYTE, 18, (byte) 0xff);
            at.set(ValueLayout.JAVA_BYTE, 19, (byte) 0xff);
            MemorySegment.copy(raw, 0, at, ValueLayout.JAVA_BYTE, 20, 4);
        } else {
            MemorySegment.copy(raw, 0, at, ValueLayout.JAVA_BYTE, 8, 16);
            at.set(ValueLayout.JAVA_INT_UNALIGNED, 24, ((Inet6Address) ip).getScopeId());
        }
        return MAX_LENGTH;
    }

    /** The address at {@code at}, or null for a family other than IPv4 and IPv6. */
    static InetSocketAddress read(MemorySegment at) {
        short family = at.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0);
        int port = Short.toUnsignedInt(at.get(PORT, 2));
        try {
            if (family == AF_INET) {
                return new InetSocketAddress(InetAddress.getByAddress(at.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE)), port);
            }
            if (family != AF_INET6) {
                return null;
            }
            byte[] raw = at.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
            int scope = at.get(ValueLayout.JAVA_INT_UNALIGNED, 24);
            // getByAddress turns ::ffff:a.b.c.d into an Inet4Address, as the JDK's sockets report it.
            InetAddress ip = scope == 0 ? InetAddress.getByAddress(raw) : Inet6Address.getByAddress(null, raw, scope);
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address was refused", e);
        }
    }
}
