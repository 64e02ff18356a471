package io.microlink.daemon.verbs;

import io.microlink.TailnetNode;
import io.microlink.control.wire.Node;
import io.microlink.daemon.api.ApiException;
import java.util.List;

/** Finding a peer the way the verbs name one, and its addresses as control wrote them (RFC 5952 form). */
final class Peers {
    private Peers() {}

    /**
     * The peer named by short name, FQDN or tailnet IP.
     *
     * @throws ApiException {@code unknown-peer}
     */
    static Node find(TailnetNode node, String peer) throws ApiException {
        return node.netmap().resolve(peer).or(() -> node.netmap().peerByAddress(peer))
                .orElseThrow(() -> new ApiException(ApiException.UNKNOWN_PEER, "no peer " + peer + " in the tailnet"));
    }

    /** The node's tailnet addresses without their prefix length, IPv4 first as control sends them. */
    static List<String> addresses(Node n) {
        return n.addresses() == null ? List.of() : n.addresses().stream().map(p -> p.replaceFirst("/\\d+$", "")).toList();
    }

    /** The short name: the FQDN's first label. */
    static String shortName(Node n) {
        String fqdn = fqdn(n);
        return fqdn.contains(".") ? fqdn.substring(0, fqdn.indexOf('.')) : fqdn;
    }

    /** The FQDN without its trailing dot. */
    static String fqdn(Node n) {
        return n.name() == null ? "" : n.name().replaceFirst("\\.$", "");
    }
}
