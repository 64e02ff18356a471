package io.microlink.wireguard.config;

import java.util.List;

/**
 * A whole wg-quick configuration: the [Interface] section and its peers.
 *
 * @param name       interface name (wg-quick takes it from the file name)
 * @param listenPort UDP port, 0 for any
 * @param mtu        0 for the default (1420)
 */
public record InterfaceConfig(String name, WireGuardKey privateKey, int listenPort, List<IpPrefix> addresses,
                              int mtu, List<PeerConfig> peers) {
    public static final int DEFAULT_MTU = 1420;

    public InterfaceConfig {
        addresses = List.copyOf(addresses);
        peers = List.copyOf(peers);
    }

    public int effectiveMtu() {
        return mtu == 0 ? DEFAULT_MTU : mtu;
    }
}
