package io.microlink.daemon.verbs;

import io.microlink.TailnetNode;
import io.microlink.control.wire.Node;
import io.microlink.daemon.api.ApiException;
import java.net.Inet6Address;
import java.net.InetAddress;
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

    /** An address as control writes it (RFC 5952): IPv6 in lower case with the longest run of zero groups as {@code ::}. */
    static String literal(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is written out, not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
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
