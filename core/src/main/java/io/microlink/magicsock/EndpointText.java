package io.microlink.magicsock;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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
            // Only literals: a name here must never make us do a DNS lookup.
            if (port < 1 || port > 65535 || !(host.contains(":") || host.matches("[0-9.]+"))) {
                return Optional.empty();
            }
            return Optional.of(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (NumberFormatException | UnknownHostException e) {
            return Optional.empty();
        }
    }
}
