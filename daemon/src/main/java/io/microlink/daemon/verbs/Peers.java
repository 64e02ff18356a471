package io.microlink.daemon.verbs;

import io.microlink.AddressText;
import io.microlink.Peer;
import io.microlink.TailnetNode;
import io.microlink.daemon.api.ApiException;
import java.util.List;

/** Finding a peer the way the verbs name one, and its addresses as control writes them (RFC 5952 form). */
final class Peers {
    private Peers() {}

    /**
     * The peer named by short name, FQDN, tailnet IP or node key.
     *
     * @throws ApiException {@code unknown-peer}
     */
    static Peer find(TailnetNode node, String peer) throws ApiException {
        return node.tailnet().find(peer)
                .orElseThrow(() -> new ApiException(ApiException.UNKNOWN_PEER, "no peer " + peer + " in the tailnet"));
    }

    /** The node's tailnet addresses, IPv4 first as control sends them. */
    static List<String> addresses(Peer n) {
        return n.addresses().stream().map(AddressText::of).toList();
    }
}
