package io.microlink;

import io.microlink.derp.DerpClient;
import io.microlink.route.Prefix;
import io.microlink.netstack.relay.RelayTarget;
import io.microlink.netstack.relay.SocketBinder;
import io.microlink.outbound.Dialer;
import io.microlink.route.RoutePrefs;
import io.microlink.uplink.Uplinks;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/** A node's settings, fixed at build time ({@code uplinks}: null to follow the default route; {@code acceptDns}: TUN mode sets the host's resolver). {@code toString} never shows the auth key. */
record NodeConfig(URI controlUrl, String authKey, String hostname, Path stateDirectory, Duration mapWatchdog,
                  Duration backoffInitial, Duration backoffMax, SSLContext tls, int udpPort,
                  DerpClient.Transport derpTransport, Set<String> discoAllowlist, String priorityPeer,
                  int maxActivePeers, String tunDevice, int peerCacheSize,
                  List<InetSocketAddress> dnsUpstreams, RoutePrefs routes, List<Prefix> advertisedRoutes,
                  boolean snatSubnetRoutes, RelayTarget relayTarget, Dialer dialer, Uplinks uplinks,
                  boolean acceptDns) {
    /** How the node readies its host sockets: bound to the active uplink or left to the routing table, marked in TUN mode. */
    SocketBinder hostSockets() {
        return Uplinks.binderOf(uplinks, tunDevice != null);
    }

    @Override
    public String toString() {
        return "NodeConfig[control=" + controlUrl + ", hostname=" + hostname + ", state=" + stateDirectory
                + ", authKey=" + (authKey == null ? "none" : "(set)") + ", proxy=" + dialer.rules() + "]";
    }
}
