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
 * @param forwards         TCP ports of the bridge's tailnet address forwarded to devices
 */
public record Registry(String bridgePrivateKey, String ipv6Prefix, String ipv4Prefix, int port,
                       List<DeviceRecord> devices, List<ForwardRecord> forwards) {
    public Registry {
        devices = devices == null ? List.of() : List.copyOf(devices);
        forwards = forwards == null ? List.of() : List.copyOf(forwards);
    }

    /** The same bridge with other devices and forwards. */
    public Registry with(List<DeviceRecord> newDevices, List<ForwardRecord> newForwards) {
        return new Registry(bridgePrivateKey, ipv6Prefix, ipv4Prefix, port, newDevices, newForwards);
    }

    @Override
    public String toString() {
        return "Registry[" + ipv6Prefix + ", " + ipv4Prefix + ", " + devices.size() + " devices]";
    }
}
