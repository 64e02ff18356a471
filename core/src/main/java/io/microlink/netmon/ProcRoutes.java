package io.microlink.netmon;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/**
 * The default routes out of Linux's routing tables as {@code /proc/net/route} and
 * {@code /proc/net/ipv6_route} print them, sans I/O: the caller reads the files. Of several
 * default routes the one with the lowest metric wins, as it does in the kernel; routes that
 * are down or reject traffic (the "unreachable" entries on {@code lo}) do not count. Lines
 * that do not parse are skipped: a kernel that prints more columns must not blind the monitor.
 */
final class ProcRoutes {
    private static final int RTF_UP = 0x1;
    private static final int RTF_REJECT = 0x200;

    private ProcRoutes() {}

    /** The IPv4 default route in {@code /proc/net/route}'s text, or null. */
    static NetworkState.Route defaultV4(String text) {
        NetworkState.Route best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // Iface Destination Gateway Flags RefCnt Use Metric Mask ...
            if (f.length < 8 || !f[1].equals("00000000") || !f[7].equals("00000000")) {
                continue;
            }
            try {
                int flags = Integer.parseInt(f[3], 16);
                long metric = Long.parseLong(f[6]);
                if ((flags & RTF_UP) == 0 || (flags & RTF_REJECT) != 0 || metric >= bestMetric) {
                    continue;
                }
                best = new NetworkState.Route(f[0], gatewayV4(f[2]));
                bestMetric = metric;
            } catch (IllegalArgumentException e) {
                // not a route line
            }
        }
        return best;
    }

    /** The IPv6 default route in {@code /proc/net/ipv6_route}'s text, or null. */
    static NetworkState.Route defaultV6(String text) {
        NetworkState.Route best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // dest dest_plen src src_plen next_hop metric refcnt use flags iface
            if (f.length < 10 || !f[1].equals("00") || !f[0].matches("0{32}") || f[9].equals("lo")) {
                continue;
            }
            try {
                int flags = Integer.parseInt(f[8], 16);
                long metric = Long.parseLong(f[5], 16);
                if ((flags & RTF_UP) == 0 || (flags & RTF_REJECT) != 0 || metric >= bestMetric) {
                    continue;
                }
                best = new NetworkState.Route(f[9], gatewayV6(f[4]));
                bestMetric = metric;
            } catch (IllegalArgumentException e) {
                // not a route line
            }
        }
        return best;
    }

    /** The kernel prints the IPv4 gateway as a little-endian hex word; 0 means none. */
    private static String gatewayV4(String hex) {
        long v = Long.parseLong(hex, 16);
        if (v == 0) {
            return "";
        }
        return (v & 0xff) + "." + (v >> 8 & 0xff) + "." + (v >> 16 & 0xff) + "." + (v >> 24 & 0xff);
    }

    private static String gatewayV6(String hex) {
        if (hex.matches("0{32}")) {
            return "";
        }
        try {
            return InetAddress.getByAddress(HexFormat.of().parseHex(hex)).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: " + hex, e);
        }
    }
}
