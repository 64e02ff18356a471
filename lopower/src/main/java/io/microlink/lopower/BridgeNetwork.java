package io.microlink.lopower;

import io.microlink.lopower.enroll.AddressPlan;

/**
 * The device side of a bridge, fixed when its state directory is first set up: every enrolled
 * device's configuration depends on it.
 *
 * @param ipv6Prefix the devices' IPv6 prefix (the bridge is host 1 of it)
 * @param ipv4Prefix their IPv4 prefix, or null for IPv6 only (IPv4 may collide with the
 *                   device's own network; IPv6 from the ULA range never does)
 * @param port       the UDP port of the bridge's WireGuard server
 */
public record BridgeNetwork(String ipv6Prefix, String ipv4Prefix, int port) {
    /** {@code fd7a:115c:a1e0:9909::/64}, {@code 10.90.0.0/24}, port 51820. */
    public static final BridgeNetwork DEFAULT = new BridgeNetwork(AddressPlan.DEFAULT_IPV6, AddressPlan.DEFAULT_IPV4,
            51820);

    public BridgeNetwork {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the WireGuard port must be 1-65535, got " + port);
        }
    }
}
