package io.microlink.magicsock;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The addresses peers on the same network can reach us at: every address of every
 * interface that is up, except loopback and link-local. Like tailscale, loopback is offered
 * only when there is nothing else (a host whose only network is itself).
 */
final class LocalEndpoints {
    private LocalEndpoints() {}

    static List<InetSocketAddress> of(int port) {
        List<InetSocketAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (!a.isLinkLocalAddress() && !(a instanceof Inet6Address && a.isSiteLocalAddress())) {
                        out.add(new InetSocketAddress(a, port));
                    }
                }
            }
        } catch (SocketException e) {
            // No interface list: fall through to loopback.
        }
        if (out.isEmpty()) {
            out.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
        return out;
    }
}
