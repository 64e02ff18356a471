package io.microlink.route;

import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The networks this host sits on, from its interfaces' addresses and prefix lengths: what
 * {@code exit-node-allow-lan-access} keeps off the exit node, as tailscale does with the
 * interface prefixes it finds. Loopback and link-local are left out (they never go to a peer).
 */
public final class HostNetworks {
    private HostNetworks() {}

    /** The prefixes of the host's up interfaces now; empty if the OS will not list them. */
    public static List<Prefix> prefixes() {
        List<Prefix> out = new ArrayList<>();
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InterfaceAddress a : nic.getInterfaceAddresses()) {
                    if (!a.getAddress().isLinkLocalAddress() && !a.getAddress().isLoopbackAddress()) {
                        prefix(a).ifPresent(out::add);
                    }
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        return out;
    }

    private static Optional<Prefix> prefix(InterfaceAddress a) {
        String literal = a.getAddress().getHostAddress();
        int zone = literal.indexOf('%');
        return Prefix.parse((zone < 0 ? literal : literal.substring(0, zone)) + "/" + a.getNetworkPrefixLength());
    }
}
