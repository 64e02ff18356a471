package io.microlink.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test tailnet's guarantee that its traffic stays on this machine: it only starts in
 * a network namespace without a default route, such as the one {@code scripts/lib/isolated/bin/java}
 * gives the test JVM. On the host network, tailscaled would probe the gateway (port
 * mapping), resolve public names (captive-portal checks) and advertise the host's
 * addresses; here none of that can leave.
 */
final class NetworkIsolation {
    private NetworkIsolation() {}

    static void require() {
        if (hasDefaultRoute()) {
            throw new IllegalStateException("the test tailnet only runs in an isolated network namespace (this one has"
                    + " a default route): run tests with scripts/test, or start the JVM through scripts/lib/isolated/bin/java");
        }
    }

    /** IPv4 default: destination 00000000 in /proc/net/route; IPv6: ::/0 in /proc/net/ipv6_route. */
    static boolean hasDefaultRoute() {
        try {
            boolean v4 = Files.readAllLines(Path.of("/proc/net/route")).stream().skip(1)
                    .map(l -> l.trim().split("\\s+")).anyMatch(f -> f.length > 1 && f[1].equals("00000000"));
            boolean v6 = Files.readAllLines(Path.of("/proc/net/ipv6_route")).stream()
                    .map(l -> l.trim().split("\\s+"))
                    .anyMatch(f -> f.length > 9 && f[0].matches("0{32}") && f[1].equals("00") && !f[9].equals("lo"));
            return v4 || v6;
        } catch (IOException e) {
            return true; // cannot prove isolation: refuse
        }
    }
}
