package io.microlink.peerapi;

import io.microlink.AddressText;
import io.microlink.control.wire.Node;
import io.microlink.filter.PacketFilter;
import io.microlink.netmap.Netmap;
import io.microlink.netstack.ip.IpProtocol;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Which peers this exit node answers DNS for, by tailscaled's rule ({@code replyToDNSQueries},
 * {@code offersExitNodeOrAppConnectorAndPeerHasAutogroupInternet}): the peerAPI port is let
 * past the packet filter, so the check is made here, at the request. A peer of this node's own
 * user may ask; any other peer only while this node offers an exit node and the tailnet's rules
 * would let that peer reach "the internet", probed as a TCP connection to port 53 of 0.0.0.0
 * (2000:: for an IPv6 caller). Stricter than tailscaled in one case: two tagged nodes do not
 * count as one user (tailscale gives every tagged node the same user), so a tagged peer needs
 * the rule like any other. Sans I/O.
 *
 * <pre>{@code
 * boolean ok = ExitDnsAccess.allows(netmap, filter, true, peerAddress);
 * }</pre>
 */
public final class ExitDnsAccess {
    private static final byte[] INTERNET_V4 = new byte[4];
    private static final byte[] INTERNET_V6 = {0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final int DNS_PORT = 53;

    private ExitDnsAccess() {}

    /**
     * @param netmap        the current netmap: this node and who owns {@code caller}
     * @param filter        the tailnet's packet filter of that netmap
     * @param offeringExit  whether this node advertises 0.0.0.0/0 and ::/0
     * @param caller        the peer's tailnet address the request came from
     * @return whether the peer may use this node's DNS
     */
    public static boolean allows(Netmap netmap, PacketFilter filter, boolean offeringExit, InetAddress caller) {
        Optional<Node> peer = netmap.peerByAddress(AddressText.of(caller));
        Optional<Node> self = netmap.self();
        if (peer.isEmpty() || self.isEmpty()) {
            return false;
        }
        if (untagged(self.get()) && untagged(peer.get()) && self.get().user() == peer.get().user()) {
            return true;
        }
        return offeringExit && filter.allows(IpProtocol.TCP, caller.getAddress(),
                caller instanceof Inet4Address ? INTERNET_V4 : INTERNET_V6, DNS_PORT);
    }

    private static boolean untagged(Node node) {
        List<String> tags = node.tags();
        return tags == null || tags.isEmpty();
    }
}
