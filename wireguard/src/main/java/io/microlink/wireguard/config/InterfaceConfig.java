package io.microlink.wireguard.config;

import java.util.List;

/**
 * A whole wg-quick configuration: the [Interface] section and its peers.
 *
 * @param privateKey this interface's private key
 * @param addresses the interface's own addresses
 * @param peers the [Peer] sections
 * @param name       interface name (wg-quick takes it from the file name)
 * @param listenPort UDP port, 0 for any
 * @param mtu        0 for the default (1420)
 */
public record InterfaceConfig(String name, WireGuardKey privateKey, int listenPort, List<IpPrefix> addresses,
                              int mtu, List<PeerConfig> peers) {
    /** wg-quick's MTU when the file gives none. */
    public static final int DEFAULT_MTU = 1420;

    /** Copies the lists, so the configuration never changes. */
    public InterfaceConfig {
        addresses = List.copyOf(addresses);
        peers = List.copyOf(peers);
    }

    /**
     * The MTU to use.
     *
     * @return the configured MTU, or {@link #DEFAULT_MTU} for 0
     */
    public int effectiveMtu() {
        return mtu == 0 ? DEFAULT_MTU : mtu;
    }
}
