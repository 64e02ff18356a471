package io.microlink.web;

import io.microlink.UplinkStatus;
import java.util.List;

/**
 * This node at a glance, for {@code GET /api/status} and the pages' header.
 *
 * @param name        the short MagicDNS name, or the configured name before the first netmap
 * @param fqdn        the full MagicDNS name, or null before the first netmap
 * @param state       the node's {@link io.microlink.NodeState} name, e.g. {@code CONNECTED}
 * @param stateDetail the login URL or last error, or null
 * @param user        the login name of the user owning this node, or null (tagged, or not yet known)
 * @param homeDerp    the home relay, or null before one was chosen
 * @param advertisedRoutes the routes this node offers as a subnet router or exit node
 * @param approvedRoutes   those control approved, by its last description of this node
 * @param uplinks     the uplinks the node fails over between, their health and the active one; empty without
 * @param health      what the host lacks for the node to work as asked, one line each
 *                    ({@code TailnetNode.healthWarnings}); empty when nothing
 */
public record NodeStatus(String name, String fqdn, String state, String stateDetail, List<String> addresses,
                         String user, String controlUrl, int udpPort, HomeDerp homeDerp,
                         List<String> advertisedRoutes, List<String> approvedRoutes, List<UplinkStatus> uplinks,
                         List<String> health) {
    public NodeStatus {
        uplinks = List.copyOf(uplinks);
        addresses = List.copyOf(addresses);
        advertisedRoutes = List.copyOf(advertisedRoutes);
        approvedRoutes = List.copyOf(approvedRoutes);
        health = List.copyOf(health);
    }

    /**
     * The relay peers reach this node through.
     *
     * @param latencyMillis the last measured STUN round trip to it, or null if none answered yet
     */
    public record HomeDerp(int regionId, String code, String name, Double latencyMillis) {}
}
