package io.microlink;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

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

    /** Copies the lists, so the answer never changes. */
    public WhoIs {
        addresses = List.copyOf(addresses);
        tags = List.copyOf(tags);
    }

    /** The node in {@code tailnet} owning {@code address} (self first), with its user; empty when none does. */
    static Optional<WhoIs> find(TailnetMap tailnet, InetAddress address) {
        return tailnet.owner(address).map(p -> new WhoIs(p.id(), p.fqdn(), p.shortName(), p.addresses(), p.tags(),
                tailnet.isSelf(p), p.userId(), p.loginName(), tailnet.displayName(p.userId())));
    }
}
