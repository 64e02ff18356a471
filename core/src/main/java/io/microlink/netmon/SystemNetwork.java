package io.microlink.netmon;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads the host's {@link NetworkState}: the JDK's interface list, and on Linux the default
 * routes from {@code /proc/net}. Elsewhere the routes stay null, so only address changes show.
 */
final class SystemNetwork {
    private static final Path ROUTE_V4 = Path.of("/proc/net/route");
    private static final Path ROUTE_V6 = Path.of("/proc/net/ipv6_route");

    private SystemNetwork() {}

    static NetworkState read() {
        Map<String, Set<InetAddress>> interfaces = new HashMap<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                try {
                    if (nic.isUp() && !nic.isLoopback()) {
                        interfaces.put(nic.getName(), new HashSet<>(Collections.list(nic.getInetAddresses())));
                    }
                } catch (SocketException e) {
                    // It went away while we looked: it is not there.
                }
            }
        } catch (SocketException e) {
            // No list this time: an empty one, and the next read tells the truth again.
        }
        return new NetworkState(interfaces, ProcRoutes.defaultV4(readOrEmpty(ROUTE_V4)),
                ProcRoutes.defaultV6(readOrEmpty(ROUTE_V6)));
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return ""; // not Linux, or no IPv6
        }
    }
}
