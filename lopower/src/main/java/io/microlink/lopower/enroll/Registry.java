package io.microlink.lopower.enroll;

import java.util.List;

/**
 * Everything the bridge keeps on disk ({@code lopower.json}): its own WireGuard key, the
 * address plan it was set up with, and the enrolled devices.
 *
 * @param bridgePrivateKey the bridge's WireGuard private key, base64
 * @param ipv6Prefix       the device side's IPv6 prefix
 * @param ipv4Prefix       its IPv4 prefix, or null when IPv4 is off
 * @param port             the UDP port of the bridge's WireGuard server
 * @param devices          in enrollment order
 */
public record Registry(String bridgePrivateKey, String ipv6Prefix, String ipv4Prefix, int port,
                       List<DeviceRecord> devices) {
    public Registry {
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    @Override
    public String toString() {
        return "Registry[" + ipv6Prefix + ", " + ipv4Prefix + ", " + devices.size() + " devices]";
    }
}
