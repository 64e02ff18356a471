package io.microlink;

import io.microlink.control.wire.Node;
import io.microlink.control.wire.UserProfile;
import io.microlink.netmap.Netmap;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Who owns a tailnet address: the node (this one or a peer) and the tailnet user it belongs
 * to, as the netmap describes them, like {@code tailscale whois}.
 *
 * <pre>{@code
 * node.whois(socket.getRemoteSocketAddress().getAddress())
 *     .ifPresent(w -> System.out.println(w.shortName() + " of " + w.loginName()));
 * }</pre>
 *
 * @param nodeId      control's node ID
 * @param name        the MagicDNS name without the trailing dot, e.g. {@code laptop.tailnet.example}
 * @param shortName   its first label, e.g. {@code laptop}
 * @param addresses   every tailnet address of the node
 * @param tags        ACL tags, e.g. {@code tag:server}; empty for a node owned by a person
 * @param self        whether the address is this node's own
 * @param userId      control's ID of the owning user
 * @param loginName   the user's login name, e.g. {@code alice@example.com}; empty when control sent no profile
 * @param displayName the user's display name; empty when control sent no profile
 */
public record WhoIs(long nodeId, String name, String shortName, List<InetAddress> addresses, List<String> tags,
                    boolean self, long userId, String loginName, String displayName) {

    public WhoIs {
        addresses = List.copyOf(addresses);
        tags = List.copyOf(tags);
    }

    /** The node in {@code netmap} owning {@code address} (self first), with its user; empty when none does. */
    static Optional<WhoIs> find(Netmap netmap, InetAddress address) {
        // A scan instead of an index: whois is asked once per connection, not per packet, and
        // comparing parsed addresses sidesteps the many text forms of one IPv6 address.
        return Stream.concat(netmap.self().stream(), netmap.peers().stream())
                .filter(n -> addressesOf(n).contains(address))
                .findFirst()
                .map(n -> describe(netmap, n, netmap.self().filter(s -> s.id() == n.id()).isPresent()));
    }

    private static WhoIs describe(Netmap netmap, Node node, boolean self) {
        String name = node.name() == null ? "" : node.name().endsWith(".")
                ? node.name().substring(0, node.name().length() - 1) : node.name();
        Optional<UserProfile> user = netmap.user(node.user());
        return new WhoIs(node.id(), name, name.split("\\.", 2)[0], addressesOf(node),
                node.tags() == null ? List.of() : node.tags(), self, node.user(),
                user.map(UserProfile::loginName).orElse(""), user.map(UserProfile::displayName).orElse(""));
    }

    private static List<InetAddress> addressesOf(Node node) {
        if (node.addresses() == null) {
            return List.of();
        }
        return node.addresses().stream().map(prefix -> prefix.split("/", 2)[0]).flatMap(WhoIs::literal).toList();
    }

    private static Stream<InetAddress> literal(String text) {
        try {
            return Stream.of(InetAddress.ofLiteral(text));
        } catch (IllegalArgumentException e) {
            return Stream.empty(); // control sent something that is not an address; it owns nothing
        }
    }
}
