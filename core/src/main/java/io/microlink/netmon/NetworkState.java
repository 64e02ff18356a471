package io.microlink.netmon;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the host's network looks like at one moment, as far as a tailnet node cares: the
 * addresses of each interface that is up (loopback left out) and the default route of each
 * family. Two states are compared, never interpreted alone; see {@link NetworkChange}.
 *
 * @param interfaces each up, non-loopback interface's name and its addresses
 * @param defaultV4  the IPv4 default route, or null if there is none
 * @param defaultV6  the IPv6 default route, or null if there is none
 */
public record NetworkState(Map<String, Set<InetAddress>> interfaces, Route defaultV4, Route defaultV6) {
    /** A state with no interface and no route: what a host off every network looks like. */
    public static final NetworkState EMPTY = new NetworkState(Map.of(), null, null);

    /**
     * A default route: the device it leaves by and the gateway it goes through.
     *
     * @param device  the interface name, e.g. {@code eth0}
     * @param gateway the next hop as text, or empty for a route straight onto a link
     */
    public record Route(String device, String gateway) {}

    public NetworkState {
        // Sorted copies: equal networks compare equal whatever order the system listed them in.
        TreeMap<String, Set<InetAddress>> copy = new TreeMap<>();
        interfaces.forEach((name, addresses) -> copy.put(name, Set.copyOf(addresses)));
        interfaces = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * The addresses a peer could ever reach this host at: every interface address but IPv6
     * link-local ones, which need an interface to mean anything and which the kernel gives
     * every link that comes up (so they change with no consequence for the tailnet).
     */
    public Set<InetAddress> usableAddresses() {
        return interfaces.values().stream().flatMap(Set::stream)
                .filter(a -> !(a instanceof Inet6Address && a.isLinkLocalAddress()))
                .collect(Collectors.toUnmodifiableSet());
    }
}
