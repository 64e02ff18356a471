package io.microlink;

import io.microlink.route.Prefix;
import io.microlink.route.Via;

/**
 * 4via6 routes for embedders and the CLI: two sites that use the same IPv4 subnet advertise it
 * under different site IDs, each as an IPv6 route in fd7a:115c:a1e0:b1a::/64 (tailscale's
 * {@code tailscale debug via}). The route goes to {@link TailnetNode.Builder#advertiseRoutes}
 * like any other; peers reach the host 10.1.1.5 of site 7 at the route's address for it, or by
 * the MagicDNS name {@code 10-1-1-5-via-7}.
 *
 * <pre>{@code
 * String route = ViaRoutes.route(7, "10.1.1.0/24");        // "fd7a:115c:a1e0:b1a:0:7:a01:100/120"
 * ViaRoutes.Site site = ViaRoutes.site(route);              // Site[siteId=7, ipv4Prefix=10.1.1.0/24]
 * }</pre>
 */
public final class ViaRoutes {
    private ViaRoutes() {}

    /**
     * What a via route stands for.
     *
     * @param siteId     the site's ID
     * @param ipv4Prefix the IPv4 subnet on that site, e.g. {@code 10.1.1.0/24}
     */
    public record Site(long siteId, String ipv4Prefix) {}

    /**
     * The via route of an IPv4 subnet on one site.
     *
     * @param siteId     the site's ID, 0 to 65535
     * @param ipv4Prefix an IPv4 CIDR prefix, e.g. {@code 10.1.1.0/24}
     * @return the IPv6 route to advertise
     * @throws IllegalArgumentException with a one-line reason for a reserved site ID or a prefix that is no IPv4 CIDR
     */
    public static String route(long siteId, String ipv4Prefix) {
        return Via.route(siteId, prefix(ipv4Prefix)).toString();
    }

    /**
     * The site and IPv4 subnet of a via route.
     *
     * @param viaPrefix a route in fd7a:115c:a1e0:b1a::/64, /96 or longer
     * @return its site ID and IPv4 subnet
     * @throws IllegalArgumentException with a one-line reason when it is no via route
     */
    public static Site site(String viaPrefix) {
        Prefix via = prefix(viaPrefix);
        return new Site(Via.siteId(via.address()), Via.ipv4Route(via).toString());
    }

    private static Prefix prefix(String text) {
        return Prefix.parse(text).orElseThrow(() -> new IllegalArgumentException("\"" + text
                + "\" is not a CIDR prefix such as 10.1.1.0/24"));
    }
}
