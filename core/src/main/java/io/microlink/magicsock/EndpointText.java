package io.microlink.magicsock;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/** UDP endpoints as control and tailscale write them: "1.2.3.4:5" or "[2001:db8::1]:5". */
final class EndpointText {
    private EndpointText() {}

    static String format(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    /** An endpoint as control writes it; malformed ones (control bugs, hostile peers) are skipped. */
    static Optional<InetSocketAddress> parse(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String host = endpoint.substring(0, colon).replace("[", "").replace("]", "");
        try {
            int port = Integer.parseInt(endpoint.substring(colon + 1));
            if (port < 1 || port > 65535) {
                return Optional.empty();
            }
            // Only literals: a name here must never make us do a DNS lookup. ofLiteral never does;
            // getByName does for digits and dots that are no IPv4 address, such as 999.0.0.1.
            return Optional.of(new InetSocketAddress(InetAddress.ofLiteral(host), port));
        } catch (IllegalArgumentException e) { // NumberFormatException too
            return Optional.empty();
        }
    }
}
