package io.microlink.portmap;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The IPv4 default gateway, where NAT-PMP asks for mappings: read from Linux's
 * {@code /proc/net/route} (no such file elsewhere: no gateway, no port mapping). With uplinks,
 * the gateway of the active uplink's own default route: the main table's first default route
 * goes through the most preferred uplink, which may be the one that failed.
 */
final class DefaultGateway {
    private static final Path ROUTES = Path.of("/proc/net/route");
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;

    private DefaultGateway() {}

    /**
     * The gateway of the default route through {@code device} (any device's, for null), or null
     * when there is none or the table is unreadable.
     */
    static Inet4Address find(String device) {
        try {
            return parse(Files.readAllLines(ROUTES), device);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The gateway of the first usable default route through {@code device} (any, for null) in
     * {@code /proc/net/route}'s lines: {@code Iface Destination Gateway Flags ...}, addresses as
     * little-endian hex.
     */
    static Inet4Address parse(List<String> lines, String device) {
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || !f[1].equals("00000000") || !f[7].equals("00000000")) {
                continue; // not a default route (destination and mask 0)
            }
            if (device != null && !device.equals(f[0])) {
                continue;
            }
            int flags = hex(f[3]);
            int gw = hex(f[2]);
            if ((flags & (RTF_UP | RTF_GATEWAY)) == (RTF_UP | RTF_GATEWAY) && gw != 0) {
                byte[] ip = {(byte) gw, (byte) (gw >>> 8), (byte) (gw >>> 16), (byte) (gw >>> 24)};
                try {
                    return (Inet4Address) InetAddress.getByAddress(ip);
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("four bytes are always an IPv4 address", e);
                }
            }
        }
        return null;
    }

    private static int hex(String s) {
        return s.length() > 8 ? 0 : (int) Long.parseLong(s, 16);
    }
}
