package io.microlink.route;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The routes this node offers the tailnet ({@code up --advertise-routes}, {@code
 * --advertise-exit-node}), checked as {@code tailscale up} checks them: each a literal CIDR
 * prefix with no host bits set; 0.0.0.0/0 and ::/0 only together (that is an exit node); a 4via6
 * route ({@link Via}) /96 or longer with a site ID of 65535 or less. The
 * result is sorted as tailscale sends {@code Hostinfo.RoutableIPs}: shorter prefixes first.
 *
 * <pre>{@code
 * AdvertisedRoutes.parse(List.of("192.168.50.0/24"), true); // [0.0.0.0/0, ::/0, 192.168.50.0/24]
 * AdvertisedRoutes.parse(List.of("192.168.50.1/24"), false); // IllegalArgumentException: host bits
 * }</pre>
 */
public final class AdvertisedRoutes {
    private static final Prefix ALL_V4 = Prefix.parse("0.0.0.0/0").orElseThrow();
    private static final Prefix ALL_V6 = Prefix.parse("::/0").orElseThrow();

    private AdvertisedRoutes() {}

    /**
     * Checks and collects the routes to offer.
     *
     * @param routes   prefixes as the user wrote them ({@code 192.168.50.0/24}); blanks are skipped
     * @param exitNode whether to offer 0.0.0.0/0 and ::/0 as well
     * @return the distinct prefixes, shorter first
     * @throws IllegalArgumentException with a one-line reason for the first bad entry
     */
    public static List<Prefix> parse(Collection<String> routes, boolean exitNode) {
        Set<Prefix> out = new LinkedHashSet<>();
        for (String raw : routes) {
            String text = raw == null ? "" : raw.strip();
            if (!text.isEmpty()) {
                out.add(prefix(text));
            }
        }
        boolean v4 = out.contains(ALL_V4);
        boolean v6 = out.contains(ALL_V6);
        if (v4 != v6) {
            Prefix given = v4 ? ALL_V4 : ALL_V6;
            Prefix missing = v4 ? ALL_V6 : ALL_V4;
            throw new IllegalArgumentException(given + " advertised without " + missing
                    + ": to offer this node as an exit node use --advertise-exit-node (or advertise both)");
        }
        if (exitNode) {
            out.add(ALL_V4);
            out.add(ALL_V6);
        }
        List<Prefix> sorted = new ArrayList<>(out);
        sorted.sort(Comparator.comparingInt(Prefix::bits)
                .thenComparingInt(p -> p.address().getAddress().length)
                .thenComparing(p -> p.address().getAddress(), java.util.Arrays::compareUnsigned));
        return List.copyOf(sorted);
    }

    /**
     * Refuses what tailscale refuses ({@code LocalBackend.checkExitNodePrefsLocked}): using an exit
     * node while offering to be one, which would send peers' forwarded traffic into the tunnel again.
     *
     * @param routes   the routes this node offers ({@link #parse})
     * @param exitNode the exit node asked for, or null for none
     * @throws IllegalArgumentException with tailscale's message when both are asked for
     */
    public static void checkExitNodeUse(Collection<Prefix> routes, String exitNode) {
        if (exitNode != null && !exitNode.isBlank() && offersExit(routes)) {
            throw new IllegalArgumentException(BOTH_EXIT_NODE_ROLES);
        }
    }

    /** tailscale's words for {@link #checkExitNodeUse}'s refusal. */
    public static final String BOTH_EXIT_NODE_ROLES = "Cannot advertise an exit node and use an exit node at the same time.";

    /** Whether {@code routes} hold the default routes, so that this node offers to be an exit node. */
    public static boolean offersExit(Collection<Prefix> routes) {
        return routes.contains(ALL_V4) && routes.contains(ALL_V6);
    }

    private static Prefix prefix(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not a CIDR prefix: give its length, as in "
                    + text + "/32 or 192.168.50.0/24");
        }
        InetAddress address;
        try {
            // A literal only: a route must never become a DNS lookup.
            address = InetAddress.ofLiteral(text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a valid IP address or CIDR prefix");
        }
        Prefix p = Prefix.parse(text).orElseThrow(
                () -> new IllegalArgumentException("\"" + text + "\" is not a valid IP address or CIDR prefix"));
        if (!p.address().equals(address)) {
            throw new IllegalArgumentException(text + " has non-address bits set; expected " + p);
        }
        if (Via.isVia(p)) {
            Via.checkAdvertisable(p);
        }
        return p;
    }
}
