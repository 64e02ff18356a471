package io.microlink.wireguard.config;

import java.util.List;

/**
 * A [Peer] section.
 *
 * @param publicKey the peer's public key
 * @param allowedIps the inner addresses the peer may send from and is sent to
 * @param presharedKey        null for none
 * @param endpoint            "host:port" or "[v6]:port" as written, resolved when the device starts; null for none
 * @param persistentKeepalive seconds, 0 for off
 */
public record PeerConfig(WireGuardKey publicKey, WireGuardKey presharedKey, List<IpPrefix> allowedIps,
                         String endpoint, int persistentKeepalive) {
    /** Copies the list, so the configuration never changes. */
    public PeerConfig {
        allowedIps = List.copyOf(allowedIps);
    }
}
