package io.microlink.route;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Tailscale's 4via6 addresses, sans I/O: an IPv4 host on one of several sites that share an IPv4
 * prefix, named by an IPv6 address in fd7a:115c:a1e0:b1a::/64 that carries the site ID in bits
 * 64 to 95 and the IPv4 address in the last 32 bits (tailscale's {@code net/tsaddr} {@code MapVia}).
 * A router advertises the via prefix of its site; peers send to the via address, and the router
 * carries the traffic on to the IPv4 host. Site IDs above 65535 are reserved, as tailscale's
 * {@code tailscale up} and {@code tailscale debug via} refuse them.
 *
 * <pre>{@code
 * Via.route(7, Prefix.parse("10.1.1.0/24").orElseThrow()); // fd7a:115c:a1e0:b1a:0:7:a01:100/120
 * Via.ipv4(InetAddress.ofLiteral("fd7a:115c:a1e0:b1a:0:7:a01:105")); // 10.1.1.5
 * }</pre>
 */
public final class Via {
    /** The via range, fd7a:115c:a1e0:b1a::/64 ("b1a" reads as "via"). */
    public static final Prefix RANGE = Prefix.parse("fd7a:115c:a1e0:b1a::/64").orElseThrow();
    private static final byte[] VIA_BYTES = RANGE.address().getAddress();
    /** The largest site ID not reserved. */
    public static final long MAX_SITE_ID = 0xFFFF;
    /** Bits a via prefix has beyond its IPv4 prefix: the range's 64 and the site ID's 32. */
    private static final int V4_OFFSET = 96;

    private Via() {}

    /**
     * The via route of an IPv4 prefix on one site.
     *
     * @param siteId the site's ID, 0 to {@value #MAX_SITE_ID}
     * @param ipv4   an IPv4 prefix
     * @return the IPv6 prefix in the via range that stands for {@code ipv4} on that site
     * @throws IllegalArgumentException with a one-line reason for a reserved site ID or a non-IPv4 prefix
     */
    public static Prefix route(long siteId, Prefix ipv4) {
        if (siteId < 0 || siteId > MAX_SITE_ID) {
            throw new IllegalArgumentException("site ID " + siteId + " is out of range: 0 to " + MAX_SITE_ID
                    + " (larger values are reserved)");
        }
        if (!(ipv4.address() instanceof Inet4Address)) {
            throw new IllegalArgumentException(ipv4 + " is not an IPv4 prefix");
        }
        return new Prefix(address(siteId, ipv4.address().getAddress()), ipv4.bits() + V4_OFFSET);
    }

    /**
     * The via address of one IPv4 host on one site, as the MagicDNS name {@code 10-1-1-5-via-7}
     * resolves: the site ID may use all 32 bits here, as tailscale's resolver allows.
     *
     * @param siteId the site's ID, 0 to 2^32-1
     * @param ipv4   the host's 4 address bytes
     * @return its via address
     */
    public static Inet6Address address(long siteId, byte[] ipv4) {
        byte[] a = RANGE.address().getAddress();
        for (int i = 0; i < 4; i++) {
            a[8 + i] = (byte) (siteId >>> (24 - 8 * i));
            a[12 + i] = ipv4[i];
        }
        try {
            return (Inet6Address) InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are always an address", e);
        }
    }

    /** As {@link #contains(InetAddress)}, for a raw address as a packet holds it: no object made. */
    public static boolean contains(byte[] address) {
        byte[] range = VIA_BYTES;
        if (address.length != 16) {
            return false;
        }
        for (int i = 0; i < 8; i++) { // the range is a /64
            if (address[i] != range[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code address} lies in the via range. */
    public static boolean contains(InetAddress address) {
        return RANGE.contains(address);
    }

    /** Whether {@code route} is a via route: its address in the via range, as tailscale's {@code IsViaPrefix} asks. */
    public static boolean isVia(Prefix route) {
        return contains(route.address());
    }

    /**
     * The IPv4 address a via address stands for.
     *
     * @param address any address
     * @return its last 32 bits as IPv4 when it is a via address, else empty
     */
    public static Optional<Inet4Address> ipv4(InetAddress address) {
        if (!contains(address)) {
            return Optional.empty();
        }
        byte[] a = address.getAddress();
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(new byte[] {a[12], a[13], a[14], a[15]}));
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always an address", e);
        }
    }

    /** The site ID of a via address or route (bits 64 to 95); meaningful only where {@link #contains} holds. */
    public static long siteId(InetAddress via) {
        byte[] a = via.getAddress();
        return (a[8] & 0xFFL) << 24 | (a[9] & 0xFFL) << 16 | (a[10] & 0xFFL) << 8 | (a[11] & 0xFFL);
    }

    /**
     * The IPv4 prefix a via route stands for, as {@code tailscale debug via ROUTE} prints it.
     *
     * @param route a via route of /96 or longer
     * @return its IPv4 prefix
     * @throws IllegalArgumentException when it is not a via route or is shorter than /96
     */
    public static Prefix ipv4Route(Prefix route) {
        if (!isVia(route)) {
            throw new IllegalArgumentException(route + " is not a via route (not in " + RANGE + ")");
        }
        if (route.bits() < V4_OFFSET) {
            throw new IllegalArgumentException(route + " is too short: a via route is /96 or longer");
        }
        return new Prefix(ipv4(route.address()).orElseThrow(), route.bits() - V4_OFFSET);
    }

    /**
     * Checks a via route before it is advertised, as tailscale's {@code ValidateViaPrefix} does.
     *
     * @param route a route in the via range
     * @throws IllegalArgumentException when it is shorter than /96 or its site ID is reserved
     */
    public static void checkAdvertisable(Prefix route) {
        ipv4Route(route);
        long site = siteId(route.address());
        if (site > MAX_SITE_ID) {
            throw new IllegalArgumentException(route + " has the reserved site ID " + site + "; it must be "
                    + MAX_SITE_ID + " or less");
        }
    }

    /**
     * Whether a router may carry traffic on to the IPv4 host a via address names, as tailscaled's
     * {@code viaTargetAllowed}: never loopback, multicast, unspecified, broadcast, link-local or
     * tailnet (100.64.0.0/10) hosts. The tailnet's rules judge the via address only, so this is
     * the one check on the host behind it.
     *
     * @param host the IPv4 address behind a via address
     * @return true when it may be reached
     */
    public static boolean hostAllowed(Inet4Address host) {
        byte[] a = host.getAddress();
        int first = a[0] & 0xFF;
        boolean cgnat = first == 100 && (a[1] & 0xC0) == 64;
        boolean broadcast = (a[0] & a[1] & a[2] & a[3]) == (byte) 0xFF;
        return !(host.isLoopbackAddress() || host.isMulticastAddress() || host.isAnyLocalAddress() || broadcast
                || cgnat || host.isLinkLocalAddress());
    }
}
