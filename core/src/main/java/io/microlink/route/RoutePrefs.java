package io.microlink.route;

import java.util.List;

/**
 * What this node takes of the routes its peers offer, fixed for the node's life
 * ({@code TailnetNode.Builder.acceptRoutes}, {@code exitNode}, {@code exitNodeAllowLanAccess}).
 *
 * @param acceptRoutes   whether peers' subnet routes are used, as {@code tailscale up --accept-routes}
 * @param exitNode       the peer (name, FQDN, tailnet IP or node key) that carries traffic for
 *                       addresses outside the tailnet, or null for none
 * @param allowLanAccess with an exit node, whether addresses of {@code lan} stay off the tailnet
 * @param lan            the prefixes of the host's own networks, which {@code allowLanAccess} keeps local
 */
public record RoutePrefs(boolean acceptRoutes, String exitNode, boolean allowLanAccess, List<Prefix> lan) {
    /** Only the tailnet's own addresses: no subnet routes, no exit node (tailscale's default on Linux). */
    public static final RoutePrefs NONE = new RoutePrefs(false, null, false, List.of());

    public RoutePrefs {
        lan = List.copyOf(lan);
        if (exitNode != null && exitNode.isBlank()) {
            exitNode = null;
        }
    }
}
