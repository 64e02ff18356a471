package io.microlink.uplink;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Which route of Linux's tables ({@code /proc/net/route}, {@code /proc/net/ipv6_route}) the
 * kernel takes to an address: the longest prefix that covers it, of equal ones the lowest
 * metric; routes that are down or reject traffic do not count. The uplinks bind a socket only
 * where this is a default route or one through an uplink: a host on a LAN of a third interface
 * (a subnet route's, a container bridge) or one of the host's own addresses stays the kernel's.
 * The parse is sans I/O; lines that do not parse are skipped.
 */
final class KernelRoute {
    private static final Path ROUTE_V4 = Path.of("/proc/net/route");
    private static final Path ROUTE_V6 = Path.of("/proc/net/ipv6_route");
    private static final int RTF_UP = 0x1;
    private static final int RTF_REJECT = 0x200;

    /**
     * @param iface        the route's interface
     * @param prefixLength 0 for a default route
     */
    record Match(String iface, int prefixLength) {}

    private KernelRoute() {}

    /** The route to {@code to} in this host's main tables, or null when none covers it or they cannot be read. */
    static Match to(InetAddress to) {
        try {
            return to instanceof Inet4Address ? v4(Files.readString(ROUTE_V4), to) : v6(Files.readString(ROUTE_V6), to);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The route to the IPv4 {@code to} in {@code /proc/net/route}'s text: Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
    static Match v4(String text, InetAddress to) {
        byte[] a = to.getAddress();
        // The kernel prints addresses and masks as little-endian hex words.
        long address = (a[0] & 0xffL) | (a[1] & 0xffL) << 8 | (a[2] & 0xffL) << 16 | (a[3] & 0xffL) << 24;
        Match best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            try {
                long destination = Long.parseLong(f[1], 16);
                long flags = Long.parseLong(f[3], 16);
                long metric = Long.parseLong(f[6]);
                long mask = Long.parseLong(f[7], 16);
                int length = Long.bitCount(mask);
                if ((flags & RTF_UP) == 0 || (flags & RTF_REJECT) != 0 || (address & mask) != destination) {
                    continue;
                }
                if (best == null || length > best.prefixLength() || length == best.prefixLength() && metric < bestMetric) {
                    best = new Match(f[0], length);
                    bestMetric = metric;
                }
            } catch (NumberFormatException e) {
                // the header, or not a route line
            }
        }
        return best;
    }

    /** The route to the IPv6 {@code to} in {@code /proc/net/ipv6_route}'s text: dest plen src plen next_hop metric refcnt use flags iface. */
    static Match v6(String text, InetAddress to) {
        byte[] a = to.getAddress();
        Match best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || f[0].length() != 32) {
                continue;
            }
            try {
                byte[] destination = HexFormat.of().parseHex(f[0]);
                int length = Integer.parseInt(f[1], 16);
                long metric = Long.parseLong(f[5], 16);
                long flags = Long.parseLong(f[8], 16); // local routes set the top bit
                if ((flags & RTF_UP) == 0 || (flags & RTF_REJECT) != 0 || length > 128 || !covers(destination, length, a)) {
                    continue;
                }
                if (best == null || length > best.prefixLength() || length == best.prefixLength() && metric < bestMetric) {
                    best = new Match(f[9], length);
                    bestMetric = metric;
                }
            } catch (IllegalArgumentException e) {
                // not a route line
            }
        }
        return best;
    }

    private static boolean covers(byte[] prefix, int length, byte[] address) {
        for (int bit = 0; bit < length; bit++) {
            int mask = 0x80 >>> (bit & 7);
            if ((prefix[bit >>> 3] & mask) != (address[bit >>> 3] & mask)) {
                return false;
            }
        }
        return true;
    }
}
