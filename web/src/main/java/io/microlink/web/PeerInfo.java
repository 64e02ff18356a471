package io.microlink.web;

import java.time.Instant;
import java.util.List;

/**
 * One tailnet peer as the peers page and {@code GET /api/peers} show it.
 *
 * @param name        the short MagicDNS name, e.g. {@code laptop}
 * @param fqdn        the full name without the trailing dot
 * @param user        the owner's login name, or null for a tagged node or an unknown user
 * @param os          the operating system the peer reports, or null
 * @param online      whether control says it is connected (null: control did not say)
 * @param path        how it is reached now: {@code direct}, {@code derp} or {@code none} (no session)
 * @param via         the direct {@code ip:port} or the relay's region code, or null
 * @param allowlisted whether an entry of the DISCO allowlist names this peer
 * @param routes      the subnet routes control approved for it (e.g. {@code 10.77.0.0/24})
 * @param exitNodeOption whether it offers an approved exit route
 * @param exitNode    whether it is this node's exit node now
 */
public record PeerInfo(String name, String fqdn, List<String> addresses, String user, String os, Boolean online,
                       Instant lastSeen, String path, String via, Instant lastHandshake, long rxBytes, long txBytes,
                       boolean allowlisted, List<String> routes, boolean exitNodeOption, boolean exitNode) {
    public static final String DIRECT = "direct";
    public static final String DERP = "derp";
    public static final String NONE = "none";

    public PeerInfo {
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
    }
}
